"""Baselines that are hard to beat (DeMiguel, Garlappi & Uppal 2009: 1/N is the one that
must always be shown).

- ``ew``: 1/N over the assets with a complete trailing window of ``lookback`` returns
  (in a backtest the window of mv / minvar, so all three choose among the same assets);
  ``lookback=0`` means every asset priced at ``t``.
- ``mv``: trailing historical mean and Ledoit-Wolf covariance -> compiled mean-variance.
- ``minvar``: Ledoit-Wolf covariance -> compiled minimum variance.
- ``index``: buy and hold of the market index, where the source has one.
"""
from __future__ import annotations

import pandas as pd

from kamfin.data.validate import history_mask
from kamfin.errors import OptimizationError
from kamfin.optimize import Bounds, MeanVariance, MinVariance
from kamfin.risk import historical_moments
from kamfin.strategy.base import Strategy, equal_weights


class EqualWeight(Strategy):
    name = "ew"

    def __init__(self, lookback: int = 0):
        self.lookback = lookback

    def decide(self, history: pd.DataFrame, holdings: pd.Series | None) -> pd.Series:
        eligible = history_mask(history.iloc[-(self.lookback + 1):], self.lookback + 1)
        if not eligible.any():  # history shorter than the window
            return equal_weights(history)
        return eligible.astype("float64") / eligible.sum()


class IndexHold(Strategy):
    """All in the single column of an index table, bought once and held."""

    name = "index"

    def decide(self, history: pd.DataFrame, holdings: pd.Series | None) -> pd.Series:
        return pd.Series(1.0, index=history.columns[:1])


class MeanVarianceStrategy(Strategy):
    """Historical-moment mean-variance; the compiled policy is built on first use."""

    name = "mv"
    policy_class = MeanVariance

    def __init__(
        self,
        lookback: int = 504,
        gamma: float = 5.0,
        kappa: float = 0.0,
        bounds: Bounds = Bounds(),
        periods_per_year: int = 252,
    ):
        self.lookback, self.gamma, self.kappa = lookback, gamma, kappa
        self.bounds, self.periods_per_year = bounds, periods_per_year
        self.policy_ = None

    def decide(self, history: pd.DataFrame, holdings: pd.Series | None) -> pd.Series:
        if self.policy_ is None:
            self.policy_ = self.policy_class(
                list(history.columns), gamma=self.gamma, kappa=self.kappa, bounds=self.bounds
            )
        moments = historical_moments(history, self.lookback, self.periods_per_year)
        if moments is None:
            raise OptimizationError(f"fewer than 2 assets have {self.lookback} bars of history")
        return self.policy_.weights(moments, holdings)


class MinVarianceStrategy(MeanVarianceStrategy):
    name = "minvar"
    policy_class = MinVariance
