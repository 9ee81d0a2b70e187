"""One backtest run: a pure function of (config, data, seed) -> ``RunResult``.

load + validate prices -> walk-forward weights per strategy -> vectorbt simulation ->
metrics. Writing files is separate (``kamfin.report.outputs.write_run``), so a run that
fails leaves nothing behind.
"""
from __future__ import annotations

import platform
import sys
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from importlib import metadata

import numpy as np
import pandas as pd

from kamfin import __version__
from kamfin.backtest.engine import Event, Schedule, WalkForward, walk_forward
from kamfin.backtest.simulate import Simulation, simulate
from kamfin.config import RunConfig
from kamfin.data import MarketView, fingerprint, load_index, load_prices, parse_source
from kamfin.data.synthetic import null_market
from kamfin.evaluate import sharpe, summarize
from kamfin.evaluate.forecasts import forecast_diagnostics
from kamfin.evaluate.robustness import COST_GRID_BPS, breakeven_cost, subperiod_sharpe
from kamfin.evaluate.sharpe_tests import compare, min_track_record, probabilistic_sharpe
from kamfin.errors import DataError
from kamfin.strategy.registry import build_strategy, check_names

BASELINES = ("ew", "mv", "minvar", "lstm")  # what every forecasting strategy is tested against
N_BOOT = 1000  # bootstrap resamples per Sharpe comparison

PACKAGES = ("numpy", "pandas", "vectorbt", "cvxpy", "clarabel", "scikit-learn", "scipy", "torch", "yfinance", "matplotlib", "pyarrow")


@dataclass(frozen=True)
class StrategyRun:
    name: str
    walk: WalkForward
    sim: Simulation
    metrics: dict[str, float]


@dataclass(frozen=True)
class RunResult:
    config: RunConfig
    runs: dict[str, StrategyRun]
    returns: pd.DataFrame  # (n_bars, n_strategies) simple daily returns
    manifest: dict
    notes: tuple[str, ...]
    comparisons: tuple[dict, ...] = ()
    subperiods: pd.DataFrame | None = None  # (blocks x strategies) annualised Sharpe
    costs: pd.DataFrame | None = None  # (cost bps x strategies) annualised Sharpe

    @property
    def events(self) -> list[Event]:
        return [e for run in self.runs.values() for e in run.walk.events]


def comparison_pairs(runs: dict[str, StrategyRun]) -> list[tuple[str, str]]:
    """Each forecasting strategy against each baseline present; in a run without one,
    every strategy against 1/N."""
    learners = [n for n, r in runs.items() if r.walk.fit_dates]
    if learners:
        return [(s, b) for s in learners for b in BASELINES if b in runs and b != s]
    return [(s, "ew") for s in runs if s != "ew" and "ew" in runs]


def null_market_pairs(runs: dict[str, StrategyRun]) -> list[tuple[str, str]]:
    """On the null market every strategy faces minimum variance (the best possible portfolio
    there) and 1/N."""
    return [(s, b) for s in runs for b in ("minvar", "ew") if b in runs and b != s]


def null_market_suspects(comparisons) -> list[str]:
    """Strategies that beat minimum variance on the null market beyond chance."""
    return [c["strategy"] for c in comparisons if c["baseline"] == "minvar" and c["diff"] > 0 and c["significant"]]


def versions() -> dict[str, str]:
    out = {"python": platform.python_version(), "kamfin": __version__}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def run_backtest(cfg: RunConfig, progress: bool = False) -> RunResult:
    check_names(cfg)
    source = parse_source(cfg.prices)
    start = cfg.resolved_start()
    prices = load_prices(source, start, cfg.end, cache_dir=cfg.cache_dir, max_ffill=cfg.max_ffill)
    index = load_index(source, start, cfg.end)
    if cfg.null_market:
        prices, index = null_market(prices, cfg.seed), None
    schedule = Schedule(
        rebalance=cfg.rebalance, warmup=cfg.warmup, refit_every=cfg.refit_every,
        window=cfg.window, train_bars=cfg.train_bars,
    )
    notes = []
    if schedule.decision_dates(prices.index).empty:
        raise DataError(
            f"{len(prices)} dates of data leave no decision date after the {cfg.warmup}-bar warm-up; "
            "pass an earlier --start or a smaller warmup"
        )
    runs: dict[str, StrategyRun] = {}
    for name in cfg.strategies:
        table = prices
        if name == "index":
            if index is None:
                why = "the null market has no index" if cfg.null_market else f"source {source} has no market index"
                notes.append(f"strategy index skipped: {why}")
                continue
            table = index_table(index, prices)
        runs[name] = run_strategy(name, cfg, table, schedule, progress)
    returns = pd.DataFrame({name: run.sim.returns for name, run in runs.items()})
    returns.index.name = "date"
    pairs = null_market_pairs(runs) if cfg.null_market else comparison_pairs(runs)
    comparisons = tuple(
        compare(returns[s], returns[b], s, b, cfg.periods_per_year, n_boot=N_BOOT, seed=cfg.seed).to_dict()
        for s, b in pairs
    )
    costs = cost_sensitivity(runs, prices, index, cfg)
    if "ew" in costs:
        for name, run in runs.items():
            if name != "ew":
                run.metrics["breakeven_bps_vs_ew"] = breakeven_cost(costs.index, costs[name], costs["ew"])
    manifest = {
        "run_id": f"{datetime.now():%Y%m%d-%H%M%S}-{cfg.digest()[:8]}",
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": " ".join(["kamfin", *sys.argv[1:]]) if sys.argv and sys.argv[0].endswith("kamfin") else None,
        "config": cfg.to_dict(),
        "config_digest": cfg.digest(),
        "seed": cfg.seed,
        "data": {
            "source": f"null market from {source} (seed {cfg.seed})" if cfg.null_market else str(source),
            "fingerprint": fingerprint(prices),
            "first_date": f"{prices.index[0]:%Y-%m-%d}",
            "last_date": f"{prices.index[-1]:%Y-%m-%d}",
            "n_dates": len(prices),
            "tickers": list(prices.columns),
        },
        "versions": versions(),
        "notes": notes,
    }
    return RunResult(
        cfg, runs, returns, manifest, tuple(notes), comparisons,
        subperiods=subperiod_sharpe(returns, cfg.periods_per_year), costs=costs,
    )


def index_table(index: pd.Series, prices: pd.DataFrame) -> pd.DataFrame:
    """The market index as a one-column price table on the assets' dates."""
    return index.reindex(prices.index).ffill().to_frame()


def run_strategy(name: str, cfg: RunConfig, table: pd.DataFrame, schedule: Schedule, progress: bool) -> StrategyRun:
    """Walk forward, simulate and measure one strategy. A stochastic strategy given several
    ``seeds`` runs once per seed and trades the average of their weights."""
    view = MarketView(table)
    first = build_strategy(name, cfg)
    seeds = cfg.seeds if first.stochastic and len(cfg.seeds) > 1 else ()
    strategies = [build_strategy(name, replace(cfg, seed=s)) for s in seeds] or [first]
    walks = [walk_forward(s, view, schedule, progress=progress) for s in strategies]
    walk = walks[0]
    if seeds:
        weights = sum(w.weights for w in walks) / len(walks)
        walk = WalkForward(weights, tuple(e for w in walks for e in w.events), walks[0].fit_dates)
    sim = simulate(table, walk.weights, cfg.fees_bps, cfg.slippage_bps, cfg.periods_per_year, cfg.init_cash)
    ppy = cfg.periods_per_year
    metrics = summarize(sim.returns, ppy) | {
        "psr": probabilistic_sharpe(sim.returns),
        "min_track_record_years": min_track_record(sim.returns) / ppy,
        "turnover": sim.turnover,
        "turnover_annual": sim.turnover_annual,
        "fees_paid": sim.fees_paid,
        "vectorbt_sharpe": sim.vbt_sharpe,
        "n_rebalances": len(walk.weights),
        "n_fallbacks": len(walk.events),
        "n_fits": len(walk.fit_dates),
        "first_date": f"{sim.returns.index[0]:%Y-%m-%d}",
        "last_date": f"{sim.returns.index[-1]:%Y-%m-%d}",
    }
    if seeds:
        per_seed = {
            str(s): sharpe(simulate(table, w.weights, cfg.fees_bps, cfg.slippage_bps, ppy, cfg.init_cash).returns, ppy)
            for s, w in zip(seeds, walks)
        }
        values = np.array(list(per_seed.values()))
        metrics |= {"seed_sharpes": per_seed, "seed_sharpe_mean": float(values.mean()), "seed_sharpe_std": float(values.std(ddof=1))}
    fit_logs = [f for s in strategies for f in getattr(s, "fit_log_", [])]
    if fit_logs:
        metrics["val_ic_mean"] = float(np.mean([f["val_ic"] for f in fit_logs]))
        metrics["fits"] = getattr(strategies[0], "fit_log_")
    if getattr(strategies[0], "forecasts_", None):
        mean_of = lambda attr: sum(pd.DataFrame(getattr(s, attr)).T for s in strategies) / len(strategies)
        horizon = strategies[0].forecaster_.spec.horizon
        metrics["forecast"] = forecast_diagnostics(mean_of("scores_"), mean_of("forecasts_"), table, horizon, cfg.lookback)
    return StrategyRun(name, walk, sim, metrics)


def cost_sensitivity(runs: dict[str, StrategyRun], prices: pd.DataFrame, index, cfg: RunConfig) -> pd.DataFrame:
    """Sharpe of each strategy's weights re-simulated at each cost of ``COST_GRID_BPS``
    (fees only, no slippage); the weights stay those decided under the configured costs."""
    out = {}
    for name, run in runs.items():
        table = prices if name != "index" else index_table(index, prices)
        out[name] = [
            sharpe(simulate(table, run.walk.weights, c, 0.0, cfg.periods_per_year, cfg.init_cash).returns, cfg.periods_per_year)
            for c in COST_GRID_BPS
        ]
    return pd.DataFrame(out, index=pd.Index(COST_GRID_BPS, name="cost_bps"))
