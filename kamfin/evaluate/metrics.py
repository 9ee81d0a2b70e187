"""Pure metric functions of a series of simple per-bar returns.

Conventions (the one tested place): ``returns`` are simple returns per bar; annualisation
uses ``periods_per_year`` passed explicitly (252 for daily bars); the risk-free rate is 0
unless given as a yearly rate. Edge cases: fewer than 2 returns, or zero dispersion, give
NaN rather than an infinite or misleading number.

- sharpe   = mean(r - rf/P) / std(r, ddof=1) * sqrt(P)
- sortino  = mean(r - rf/P) / sqrt(mean(min(r - rf/P, 0)^2)) * sqrt(P)   (target 0)
- ann_return = prod(1 + r)^(P / T) - 1  (geometric)
- ann_vol  = std(r, ddof=1) * sqrt(P)
- max_drawdown = min_t (V_t / max_{s<=t} V_s - 1), a number <= 0, with V_0 = 1 before the first bar
- calmar   = ann_return / |max_drawdown|
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd


def _clean(returns: pd.Series | np.ndarray) -> np.ndarray:
    r = np.asarray(returns, dtype="float64")
    return r[~np.isnan(r)]


def sharpe(returns, periods_per_year: int, risk_free: float = 0.0) -> float:
    r = _clean(returns) - risk_free / periods_per_year
    if len(r) < 2:
        return float("nan")
    sd = r.std(ddof=1)
    return float(r.mean() / sd * np.sqrt(periods_per_year)) if sd > 0 else float("nan")


def sortino(returns, periods_per_year: int, risk_free: float = 0.0) -> float:
    r = _clean(returns) - risk_free / periods_per_year
    if len(r) < 2:
        return float("nan")
    downside = np.sqrt(np.mean(np.minimum(r, 0.0) ** 2))
    return float(r.mean() / downside * np.sqrt(periods_per_year)) if downside > 0 else float("nan")


def ann_return(returns, periods_per_year: int) -> float:
    r = _clean(returns)
    if len(r) == 0:
        return float("nan")
    growth = np.prod(1.0 + r)
    return float(growth ** (periods_per_year / len(r)) - 1.0) if growth > 0 else -1.0


def ann_vol(returns, periods_per_year: int) -> float:
    r = _clean(returns)
    return float(r.std(ddof=1) * np.sqrt(periods_per_year)) if len(r) >= 2 else float("nan")


def drawdown(returns) -> np.ndarray:
    """Drawdown path ``V_t / running max - 1`` (<= 0), with the start value 1 counted."""
    value = np.cumprod(1.0 + _clean(returns))
    peak = np.maximum.accumulate(np.concatenate([[1.0], value]))[1:]
    return value / peak - 1.0


def max_drawdown(returns, periods_per_year: int | None = None) -> float:
    dd = drawdown(returns)
    return float(dd.min()) if len(dd) else float("nan")


def calmar(returns, periods_per_year: int) -> float:
    mdd = max_drawdown(returns)
    return float(ann_return(returns, periods_per_year) / abs(mdd)) if mdd < 0 else float("nan")


# name -> metric(returns, periods_per_year); the report's columns, in order
METRICS: dict[str, Callable[..., float]] = {
    "sharpe": sharpe,
    "ann_return": ann_return,
    "ann_vol": ann_vol,
    "sortino": sortino,
    "max_drawdown": max_drawdown,
    "calmar": calmar,
}


def summarize(returns: pd.Series, periods_per_year: int) -> dict[str, float]:
    """Every metric of ``METRICS`` for one return series."""
    return {name: fn(returns, periods_per_year) for name, fn in METRICS.items()}
