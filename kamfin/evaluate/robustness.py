"""Does a result survive other periods and other costs?

- ``subperiod_sharpe``: annualised Sharpe in consecutive calendar blocks of ``years``.
- ``breakeven_cost``: the cost per trade (bps) at which a strategy's Sharpe falls to a
  baseline's, by linear interpolation on a grid of simulated costs. NaN when the strategy
  is below the baseline even at the lowest cost (no edge to spend), +inf when it stays
  above at the highest.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from kamfin.evaluate.metrics import sharpe

COST_GRID_BPS = (0.0, 5.0, 10.0, 25.0, 50.0)


def subperiod_sharpe(returns: pd.DataFrame, periods_per_year: int, years: int = 5) -> pd.DataFrame:
    """(blocks x strategies) annualised Sharpe; blocks labelled 'YYYY-YYYY'."""
    first = returns.index[0].year
    block = (returns.index.year - first) // years
    rows = {}
    for b, chunk in returns.groupby(block):
        label = f"{chunk.index[0].year}-{chunk.index[-1].year}"
        rows[label] = {name: sharpe(chunk[name], periods_per_year) for name in returns}
    return pd.DataFrame(rows).T


def breakeven_cost(costs, sharpe_strategy, sharpe_baseline) -> float:
    gap = np.asarray(sharpe_strategy, dtype="float64") - np.asarray(sharpe_baseline, dtype="float64")
    costs = np.asarray(costs, dtype="float64")
    if gap[0] <= 0:
        return float("nan")
    below = np.flatnonzero(gap <= 0)
    if len(below) == 0:
        return float("inf")
    i = below[0]
    return float(costs[i - 1] + (costs[i] - costs[i - 1]) * gap[i - 1] / (gap[i - 1] - gap[i]))
