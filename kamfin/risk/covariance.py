"""Covariance estimation: trailing window, Ledoit-Wolf shrinkage, PSD repair, factor form.

- Ledoit & Wolf (2004), "A well-conditioned estimator for large-dimensional covariance
  matrices": shrink the sample covariance towards a scaled identity; scikit-learn computes
  the optimal intensity.
- PSD repair: symmetrise, then clip eigenvalues below ``floor`` (Higham-style nearest PSD
  in the spectral norm sense).
- Factor form: Sigma = F F' + diag(d). With n <= max_factors it is exact (F = U sqrt(L),
  d = 0); above that the top-k principal components plus a diagonal that keeps
  diag(Sigma) exact. The optimizer's cost then grows with n k, not n^2.

Units: moments are annualised (per-bar figures x ``periods_per_year``) so that the
optimizer's risk aversion ``gamma`` reads in yearly terms.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.covariance import LedoitWolf


@dataclass(frozen=True)
class Moments:
    """Inputs of one optimisation. Assets absent from ``mu`` get weight 0."""

    mu: pd.Series  # (n_available,) annualised expected simple returns
    cov: pd.DataFrame  # (n_available, n_available) annualised covariance, PSD
    asof: pd.Timestamp  # decision date: estimated from rows <= asof only


def trailing_returns(history: pd.DataFrame, lookback: int) -> pd.DataFrame:
    """Simple returns of the last ``lookback`` bars, assets with a complete window only."""
    window = history.iloc[-(lookback + 1):]
    rets = window.pct_change(fill_method=None).iloc[1:]
    if len(rets) < lookback:
        return rets.iloc[:, :0]
    return rets.loc[:, rets.notna().all()]


def ledoit_wolf_cov(returns: pd.DataFrame, periods_per_year: int) -> pd.DataFrame:
    """Annualised Ledoit-Wolf covariance of ``(n_bars, n_assets)`` simple returns."""
    est = LedoitWolf(assume_centered=False).fit(returns.to_numpy())
    cov = nearest_psd(est.covariance_) * periods_per_year
    return pd.DataFrame(cov, index=returns.columns, columns=returns.columns)


def nearest_psd(cov: np.ndarray, floor: float = 1e-12) -> np.ndarray:
    """Symmetric matrix with eigenvalues clipped at ``floor``; unchanged if already PSD."""
    sym = (cov + cov.T) / 2
    vals, vecs = np.linalg.eigh(sym)
    if vals.min() >= floor:
        return sym
    return (vecs * np.maximum(vals, floor)) @ vecs.T


def factor_form(cov: np.ndarray, n_factors: int) -> tuple[np.ndarray, np.ndarray]:
    """``(F (n, k), d (n,))`` with cov ~= F F' + diag(d); exact when ``k >= n``."""
    n = cov.shape[0]
    vals, vecs = np.linalg.eigh((cov + cov.T) / 2)
    vals = np.maximum(vals, 0.0)
    k = min(n_factors, n)
    top = np.argsort(vals)[::-1][:k]
    F = vecs[:, top] * np.sqrt(vals[top])
    d = np.maximum(np.diag(cov) - (F**2).sum(axis=1), 0.0) if k < n else np.zeros(n)
    return F, d


def historical_moments(
    history: pd.DataFrame, lookback: int, periods_per_year: int
) -> Moments | None:
    """Trailing-mean returns and Ledoit-Wolf covariance at the last date of ``history``.

    ``None`` when fewer than two assets have a complete ``lookback`` window.
    """
    rets = trailing_returns(history, lookback)
    if rets.shape[1] < 2:
        return None
    mu = rets.mean() * periods_per_year
    return Moments(mu=mu, cov=ledoit_wolf_cov(rets, periods_per_year), asof=history.index[-1])
