"""The strategy contract.

A strategy turns the history available at a decision date ``t`` (rows ``<= t``) into
target weights that sum to 1. ``weights(prices)`` runs the walk-forward engine and returns
a ``(decision dates x tickers)`` table that ``vectorbt.Portfolio.from_orders(...,
size_type="targetpercent")`` accepts once each row is placed on the bar after its date
(``kamfin.backtest.simulate.orders_table``).
"""
from __future__ import annotations

from abc import ABC, abstractmethod

import pandas as pd


def equal_weights(history: pd.DataFrame) -> pd.Series:
    """1/N over the assets that have a price on the last row of ``history``."""
    priced = history.iloc[-1].notna()
    return priced.astype("float64") / priced.sum()


class Strategy(ABC):
    """Base class. Subclasses set ``name`` and implement ``decide``; learners set
    ``learns = True`` and implement ``fit(history) -> self``."""

    name: str = "strategy"
    learns: bool = False
    stochastic: bool = False  # results depend on the seed (several --seeds are worth running)

    def fit(self, history: pd.DataFrame) -> Strategy:
        return self

    @abstractmethod
    def decide(self, history: pd.DataFrame, holdings: pd.Series | None) -> pd.Series:
        """Target weights at ``history.index[-1]``; ``holdings`` are the current weights."""

    def weights(self, prices: pd.DataFrame, rebalance: str = "M", warmup: int = 504) -> pd.DataFrame:
        """Target weights, one row per decision date, from validated ``prices``."""
        from kamfin.backtest.engine import Schedule, walk_forward
        from kamfin.data.view import MarketView

        return walk_forward(self, MarketView(prices), Schedule(rebalance=rebalance, warmup=warmup)).weights
