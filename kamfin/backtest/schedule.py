"""Rebalance schedules: the last trading day of each day, week, month or quarter.

Whether a date ends its period is decided from the calendar (is the next business day in
a new period?), never from later rows of the data, so a table cut at ``T`` and the full
table produce the same decision dates up to ``T``.
"""
from __future__ import annotations

import pandas as pd

from kamfin.errors import ConfigError

FREQS = {"D": "D", "W": "W-FRI", "M": "M", "Q": "Q"}
PER_YEAR = {"D": 252, "W": 52, "M": 12, "Q": 4}


def rebalance_dates(dates: pd.DatetimeIndex, freq: str) -> pd.DatetimeIndex:
    """Decision dates among ``dates`` for ``freq`` in D/W/M/Q."""
    if freq not in FREQS:
        raise ConfigError(f"unknown rebalance frequency {freq!r}; use one of D, W, M, Q")
    if len(dates) == 0 or freq == "D":
        return pd.DatetimeIndex(dates)
    periods = dates.to_period(FREQS[freq])
    is_last = periods[:-1] != periods[1:]
    final = dates[-1]
    final_ends = (final + pd.offsets.BDay(1)).to_period(FREQS[freq]) != final.to_period(FREQS[freq])
    mask = list(is_last) + [bool(final_ends)]
    return pd.DatetimeIndex(dates[mask])
