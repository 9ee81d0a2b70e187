"""Out-of-sample quality of a forecaster's predictions, measured after the backtest.

At each decision date t (rows: decision dates, columns: tickers):

- IC and rank IC: Pearson and Spearman correlation across assets between the model's raw
  scores at t and the realised next-period return P_{t+h} / P_t - 1; reported as mean,
  IR = mean / std and t = mean / std x sqrt(n_dates).
- Out-of-sample R^2 of the calibrated forecasts f (expected next-period returns) over all
  (date, asset): 1 - sum (r - f)^2 / sum r^2 against a zero forecast, and
  1 - sum (r - f)^2 / sum (r - m)^2 against the historical mean m (the asset's mean daily
  return over the ``lookback`` bars up to t, times h). Gu, Kelly & Xiu (2020) report
  about 0.4% for the best monthly stock-level models.
- Hit rate: share of non-zero forecasts whose sign matches the realised return's.

The realised returns use prices after t: this is evaluation, never an input to a decision.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import spearmanr


def realised_returns(prices: pd.DataFrame, dates: pd.DatetimeIndex, horizon: int) -> pd.DataFrame:
    fwd = prices.shift(-horizon) / prices - 1.0
    return fwd.reindex(dates)


def _summary(values: list[float]) -> dict[str, float]:
    x = np.asarray(values, dtype="float64")
    if len(x) < 2 or x.std(ddof=1) == 0:
        return {"mean": float(x.mean()) if len(x) else float("nan"), "ir": float("nan"), "t": float("nan"), "n": len(x)}
    ir = x.mean() / x.std(ddof=1)
    return {"mean": float(x.mean()), "ir": float(ir), "t": float(ir * np.sqrt(len(x))), "n": len(x)}


def forecast_diagnostics(
    scores: pd.DataFrame, forecasts: pd.DataFrame, prices: pd.DataFrame, horizon: int, lookback: int
) -> dict:
    realised = realised_returns(prices, forecasts.index, horizon)
    ic, ric = [], []
    for t in scores.index:
        s, r = scores.loc[t], realised.loc[t]
        ok = s.notna() & r.notna()
        if ok.sum() >= 3 and s[ok].std() > 0:
            ic.append(float(np.corrcoef(s[ok], r[ok])[0, 1]))
            ric.append(float(spearmanr(s[ok], r[ok]).statistic))
    hist = prices.pct_change(fill_method=None).rolling(lookback, min_periods=lookback).mean().reindex(forecasts.index) * horizon
    f, r, m = (x.to_numpy().ravel() for x in (forecasts, realised, hist))
    ok = ~(np.isnan(f) | np.isnan(r))
    ok_hist = ok & ~np.isnan(m)
    sse = lambda pred, mask: float(np.sum((r[mask] - pred[mask]) ** 2))
    nonzero = ok & (f != 0)
    return {
        "ic": _summary(ic),
        "rank_ic": _summary(ric),
        "oos_r2_vs_zero": 1 - sse(f, ok) / float(np.sum(r[ok] ** 2)) if ok.any() else float("nan"),
        "oos_r2_vs_hist_mean": 1 - sse(f, ok_hist) / sse(m, ok_hist) if ok_hist.any() else float("nan"),
        "hit_rate": float(np.mean(np.sign(f[nonzero]) == np.sign(r[nonzero]))) if nonzero.any() else float("nan"),
        "n_forecasts": int(ok.sum()),
        "horizon": horizon,
    }
