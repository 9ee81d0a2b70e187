"""Long-short mean-variance: the ``mv`` baseline with shorting allowed.

Caps each position at 25% of capital in absolute value and gross exposure at 1.5x.
Run it with ``kamfin backtest --strategies ew,mv,mv_longshort``.
"""
from __future__ import annotations

from kamfin.optimize import Bounds
from kamfin.strategy import MeanVarianceStrategy


def build(config):
    return MeanVarianceStrategy(
        lookback=config.lookback,
        gamma=config.gamma,
        kappa=config.resolved_kappa(),
        bounds=Bounds(cap=config.cap, long_only=False, leverage=config.leverage),
        periods_per_year=config.periods_per_year,
    )
