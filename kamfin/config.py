"""Run configuration: one frozen, picklable dataclass, validated once.

Values come from defaults, then a TOML file (``--config``), then command-line flags. The
resolved configuration is written into every run's manifest, so a run is a pure function
of (config, data, seed).
"""
from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

import pandas as pd

from kamfin.backtest.schedule import FREQS, PER_YEAR
from kamfin.errors import ConfigError

QUICK_START = "2015-01-01"  # --quick: data from here on (first decision after the warm-up)


@dataclass(frozen=True)
class RunConfig:
    prices: str = "sp500"  # sp500 | yf:TICKER,... | path to CSV/Parquet
    strategies: tuple[str, ...] = ("ew", "mv", "minvar", "index")
    start: str | None = None  # first date of data used (decisions start after the warm-up)
    end: str | None = None  # last date of data used
    rebalance: str = "M"  # D | W | M | Q
    fees_bps: float = 10.0  # proportional fee per trade, basis points of traded value
    slippage_bps: float = 5.0  # adverse price move per trade, basis points
    seed: int = 0  # seeds every stochastic piece (baselines are deterministic)
    seeds: tuple[int, ...] = ()  # several seeds: each learning strategy runs under each, traded seed-averaged
    quick: bool = False  # short smoke run: data from QUICK_START unless --start is given
    null_market: bool = False  # audit: replace the prices by a market with no predictability
    warmup: int = 504  # bars of history before the first decision
    lookback: int = 504  # bars in the trailing window of mv / minvar moments
    gamma: float = 5.0  # risk aversion, yearly units
    kappa: float | None = None  # turnover penalty; None = (fees+slippage) x rebalances/year
    cap: float = 0.25  # largest absolute weight per asset
    long_only: bool = True
    leverage: float = 1.5  # gross exposure limit in long-short mode
    refit_every: int = 12  # decisions between refits of learning strategies
    window: str = "expanding"  # expanding | rolling training window
    train_bars: int = 2520  # rolling training window, bars
    epochs: int = 6  # most training epochs per refit of a neural strategy (--quick: 2)
    max_ffill: int = 5  # bars forward-filled inside a price series
    periods_per_year: int = 252
    init_cash: float = 1_000_000.0
    cache_dir: str = "data_cache"
    strategy_dirs: tuple[str, ...] = field(default=("strategies",))

    def resolved_start(self) -> str | None:
        return self.start or (QUICK_START if self.quick else None)

    def resolved_kappa(self) -> float:
        if self.kappa is not None:
            return self.kappa
        return (self.fees_bps + self.slippage_bps) / 1e4 * PER_YEAR[self.rebalance]

    def to_dict(self) -> dict:
        out = asdict(self)
        out["strategies"] = list(self.strategies)
        out["strategy_dirs"] = list(self.strategy_dirs)
        out["seeds"] = list(self.seeds)
        out["resolved_start"] = self.resolved_start()
        out["resolved_kappa"] = self.resolved_kappa()
        return out

    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.to_dict(), sort_keys=True).encode()).hexdigest()


def _date(name: str, value) -> str | None:
    if value is None:
        return None
    try:
        return f"{pd.Timestamp(str(value)):%Y-%m-%d}"
    except ValueError:
        raise ConfigError(f"{name} {value!r} is not a date; write it as YYYY-MM-DD") from None


def validate(cfg: RunConfig) -> RunConfig:
    """Check every value once; return the config with dates normalised."""
    if cfg.rebalance not in FREQS:
        raise ConfigError(f"rebalance {cfg.rebalance!r} is not one of D, W, M, Q; pass --rebalance M")
    if not cfg.strategies:
        raise ConfigError("no strategies given; pass e.g. --strategies ew,mv,minvar")
    if len(set(cfg.strategies)) != len(cfg.strategies):
        raise ConfigError("a strategy is named twice in --strategies; name each once")
    checks = [
        (0 <= cfg.fees_bps < 10_000, f"fees_bps {cfg.fees_bps} must be in [0, 10000); pass e.g. --fees-bps 10"),
        (0 <= cfg.slippage_bps < 10_000, f"slippage_bps {cfg.slippage_bps} must be in [0, 10000)"),
        (cfg.seed >= 0, f"seed {cfg.seed} must be a non-negative integer"),
        (all(s >= 0 for s in cfg.seeds) and len(set(cfg.seeds)) == len(cfg.seeds),
         f"seeds {list(cfg.seeds)} must be distinct non-negative integers, e.g. --seeds 0,1,2"),
        (0 < cfg.cap <= 1, f"cap {cfg.cap} must be in (0, 1]"),
        (cfg.gamma > 0, f"gamma {cfg.gamma} must be positive"),
        (cfg.kappa is None or cfg.kappa >= 0, f"kappa {cfg.kappa} must be >= 0"),
        (cfg.leverage >= 1, f"leverage {cfg.leverage} must be >= 1"),
        (cfg.warmup >= 2 and cfg.lookback >= 2, "warmup and lookback must be at least 2 bars"),
        (cfg.lookback <= cfg.warmup, f"lookback {cfg.lookback} must not exceed warmup {cfg.warmup}"),
        (cfg.refit_every >= 1, "refit_every must be >= 1"),
        (cfg.epochs >= 1, f"epochs {cfg.epochs} must be >= 1"),
        (cfg.window in ("expanding", "rolling"), f"window {cfg.window!r} must be expanding or rolling"),
        (cfg.max_ffill >= 0, "max_ffill must be >= 0"),
        (cfg.periods_per_year > 0, "periods_per_year must be positive"),
        (cfg.init_cash > 0, "init_cash must be positive"),
    ]
    for ok, message in checks:
        if not ok:
            raise ConfigError(message)
    start, end = _date("--start", cfg.start), _date("--end", cfg.end)
    if start and end and end <= start:
        raise ConfigError(f"--end {end} is not after --start {start}; swap or widen them")
    return replace(cfg, start=start, end=end)


def load_toml(path: str | Path) -> dict:
    """Keys of a TOML config file, checked against ``RunConfig``'s fields."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"config file {path} does not exist; check --config")
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML ({exc})") from None
    data = data.get("backtest", data)  # keys at the top level or under [backtest]
    known = {f.name for f in fields(RunConfig)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(f"unknown key {unknown[0]!r} in {path}; known keys: {', '.join(sorted(known))}")
    return data


def make_config(overrides: dict) -> RunConfig:
    """Defaults updated with ``overrides`` (from TOML and flags), type-checked and validated."""
    kinds = {f.name: f.type for f in fields(RunConfig)}
    values = {}
    for key, value in overrides.items():
        if value is None and key not in ("start", "end", "kappa"):
            continue
        kind = kinds[key]
        try:
            if key in ("strategies", "strategy_dirs"):
                items = value.split(",") if isinstance(value, str) else list(value)
                value = tuple(s.strip() for s in items if str(s).strip())
            elif key == "seeds":
                items = value.split(",") if isinstance(value, str) else list(value)
                value = tuple(int(str(s).strip()) for s in items if str(s).strip())
            elif kind in ("float", "float | None") and value is not None:
                value = float(value)
            elif kind == "int":
                if isinstance(value, bool) or float(value) != int(value):
                    raise ValueError
                value = int(value)
            elif kind == "bool":
                if not isinstance(value, bool):
                    raise ValueError
            elif kind in ("str", "str | None") and value is not None:
                value = str(value)
        except (TypeError, ValueError):
            raise ConfigError(f"{key} = {value!r} has the wrong type; expected {kind}") from None
        values[key] = value
    return validate(RunConfig(**values))
