"""Strategy names -> fresh strategy objects for one run.

Built-ins: ``ew``, ``mv``, ``minvar``, ``index``, and the forecast strategies ``kamnn``,
``lstm``, ``transformer`` and ``linear`` (ridge). The forecast strategies share features,
optimizer, costs, schedule, refit cadence and training budget. Any ``NAME.py`` in a folder of
``RunConfig.strategy_dirs`` (``strategies/`` by default) that defines
``build(config) -> Strategy`` is available as ``NAME``.
"""
from __future__ import annotations

import importlib.util
from collections.abc import Callable
from functools import partial
from pathlib import Path

from kamfin.backtest.schedule import PER_YEAR
from kamfin.config import RunConfig
from kamfin.errors import ConfigError
from kamfin.features import FeatureSpec
from kamfin.forecast import NeuralForecaster, RidgeForecaster, TrainConfig
from kamfin.optimize import Bounds
from kamfin.strategy.base import Strategy
from kamfin.strategy.baselines import EqualWeight, IndexHold, MeanVarianceStrategy, MinVarianceStrategy
from kamfin.strategy.forecast import ForecastStrategy


def bounds(cfg: RunConfig) -> Bounds:
    return Bounds(cap=cfg.cap, long_only=cfg.long_only, leverage=cfg.leverage)


def _optimized(cls) -> Callable[[RunConfig], Strategy]:
    def build(cfg: RunConfig) -> Strategy:
        return cls(
            lookback=cfg.lookback,
            gamma=cfg.gamma,
            kappa=cfg.resolved_kappa(),
            bounds=bounds(cfg),
            periods_per_year=cfg.periods_per_year,
        )

    return build


def feature_spec(cfg: RunConfig) -> FeatureSpec:
    """Features shared by every forecast strategy; the label horizon is one rebalance period."""
    return FeatureSpec(horizon=max(1, round(cfg.periods_per_year / PER_YEAR[cfg.rebalance])))


def train_config(cfg: RunConfig) -> TrainConfig:
    """The training budget every neural strategy gets (fewer epochs with --quick)."""
    return TrainConfig(epochs=min(cfg.epochs, 2) if cfg.quick else cfg.epochs)


def _forecasting(name: str) -> Callable[[RunConfig], Strategy]:
    def build(cfg: RunConfig) -> Strategy:
        if name == "linear":
            make = partial(RidgeForecaster, spec=feature_spec(cfg))
        else:
            make = partial(NeuralForecaster, name, train=train_config(cfg), spec=feature_spec(cfg), seed=cfg.seed)
        return ForecastStrategy(
            make, name=name, lookback=cfg.lookback, gamma=cfg.gamma, kappa=cfg.resolved_kappa(),
            bounds=bounds(cfg), periods_per_year=cfg.periods_per_year, stochastic=name != "linear",
        )

    return build


BUILTINS: dict[str, Callable[[RunConfig], Strategy]] = {
    "ew": lambda cfg: EqualWeight(lookback=cfg.lookback),
    "mv": _optimized(MeanVarianceStrategy),
    "minvar": _optimized(MinVarianceStrategy),
    "index": lambda cfg: IndexHold(),
    **{name: _forecasting(name) for name in ("kamnn", "lstm", "transformer", "linear")},
}


def strategy_files(dirs: tuple[str, ...]) -> dict[str, Path]:
    found = {}
    for folder in dirs:
        for path in sorted(Path(folder).glob("*.py")):
            if not path.name.startswith("_"):
                found.setdefault(path.stem, path)
    return found


def check_names(cfg: RunConfig) -> None:
    known = set(BUILTINS) | set(strategy_files(cfg.strategy_dirs))
    for name in cfg.strategies:
        if name not in known:
            raise ConfigError(f"unknown strategy {name!r}; choose from {', '.join(sorted(known))}")


def build_strategy(name: str, cfg: RunConfig) -> Strategy:
    if name in BUILTINS:
        return BUILTINS[name](cfg)
    files = strategy_files(cfg.strategy_dirs)
    if name not in files:
        raise ConfigError(f"unknown strategy {name!r}; choose from {', '.join(sorted(set(BUILTINS) | set(files)))}")
    spec = importlib.util.spec_from_file_location(f"kamfin_user_strategy_{name}", files[name])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not hasattr(module, "build"):
        raise ConfigError(f"{files[name]} defines no build(config) function; add one that returns a Strategy")
    strategy = module.build(cfg)
    if not isinstance(strategy, Strategy):
        raise ConfigError(f"build() in {files[name]} returned {type(strategy).__name__}, not a kamfin Strategy")
    strategy.name = name
    return strategy
