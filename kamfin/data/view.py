"""Point-in-time access to prices: the only way a strategy sees data.

``MarketView.serve(t)`` returns the rows dated ``<= t`` and nothing else, as a frame whose
arrays cannot be written (pandas copy-on-write), so neither a later row nor a change to
the engine's copy can reach a decision made at ``t``.
"""
from __future__ import annotations

import pandas as pd


class MarketView:
    """Read-only view over a validated ``(n_dates, n_assets)`` price table."""

    def __init__(self, prices: pd.DataFrame):
        self._prices = prices.copy()
        self._dates = self._prices.index

    @property
    def dates(self) -> pd.DatetimeIndex:
        return self._dates

    @property
    def tickers(self) -> list[str]:
        return list(self._prices.columns)

    def serve(self, t: pd.Timestamp) -> pd.DataFrame:
        """Prices with dates ``<= t`` (``t`` included)."""
        stop = int(self._dates.searchsorted(pd.Timestamp(t), side="right"))
        return self._prices.iloc[:stop]
