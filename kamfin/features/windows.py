"""Windows of per-bar features, one sample per (asset, date), shared across assets.

Per bar tau and asset i (simple daily returns r, trailing volatility sigma over
``vol_window`` bars ending at tau, so only data <= tau):

    f_tau = [ r_tau / sigma_tau ,  rank_i(r_tau) - 1/2 ]      (cross-sectional rank in [-1/2, 1/2])

A sample at date s is the window f_{s-window+1..s}, shape (window, 2). Its label is the
next-period return over (s, s + horizon], divided by sigma_s sqrt(horizon) and clipped at
+-5 (a volatility-scaled target keeps every asset on one scale). The label is known only
at s + horizon: ``build_samples`` keeps a sample only if that bar is inside the table it
is given (the purge), so nothing trained at t has seen a price after t.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

N_FEATURES = 2
LABEL_CLIP = 5.0


@dataclass(frozen=True)
class FeatureSpec:
    window: int = 20  # bars of features per sample
    horizon: int = 21  # bars the label looks ahead (one month)
    vol_window: int = 63  # bars of the trailing volatility
    stride: int = 5  # bars between training sample dates


@dataclass(frozen=True)
class Samples:
    X: np.ndarray  # (n, window, N_FEATURES) float32
    y: np.ndarray  # (n,) volatility-scaled next-period return
    date_pos: np.ndarray  # (n,) row of the sample date s in the price table
    asset: np.ndarray  # (n,) column of the asset

    def __len__(self) -> int:
        return len(self.y)

    def subset(self, keep: np.ndarray) -> "Samples":
        return Samples(self.X[keep], self.y[keep], self.date_pos[keep], self.asset[keep])


def bar_features(prices: pd.DataFrame, spec: FeatureSpec) -> tuple[np.ndarray, np.ndarray]:
    """(features (T, N, 2), sigma (T, N)); row tau uses prices up to tau only."""
    rets = prices.pct_change(fill_method=None)
    sigma = rets.rolling(spec.vol_window, min_periods=spec.vol_window).std()
    scaled = (rets / sigma).to_numpy()
    ranks = (rets.rank(axis=1, pct=True) - 0.5).to_numpy()
    return np.stack([scaled, ranks], axis=-1), sigma.to_numpy()


def _windows(feats: np.ndarray, rows: np.ndarray, window: int) -> np.ndarray:
    """(len(rows), N, window, F) windows ending at each row."""
    idx = rows[:, None] + np.arange(-window + 1, 1)[None, :]  # (n_rows, window)
    return feats[idx].transpose(0, 2, 1, 3)


def build_samples(prices: pd.DataFrame, spec: FeatureSpec) -> Samples:
    """Training samples from ``prices``; only labels that end inside the table (purged)."""
    T = len(prices)
    feats, sigma = bar_features(prices, spec)
    first = spec.vol_window + spec.window  # first row with a full window of features
    last = T - 1 - spec.horizon  # last row whose label is known at the end of the table
    if last < first:
        return Samples(np.zeros((0, spec.window, N_FEATURES), np.float32), np.zeros(0), np.zeros(0, int), np.zeros(0, int))
    rows = np.arange(last, first - 1, -spec.stride)[::-1]  # anchored at the end of the table
    values = prices.to_numpy()
    fwd = values[rows + spec.horizon] / values[rows] - 1.0  # (n_rows, N)
    label = np.clip(fwd / (sigma[rows] * np.sqrt(spec.horizon)), -LABEL_CLIP, LABEL_CLIP)
    X = _windows(feats, rows, spec.window)  # (n_rows, N, window, F)
    n_rows, N = label.shape
    X = X.reshape(n_rows * N, spec.window, N_FEATURES)
    y = label.reshape(-1)
    date_pos = np.repeat(rows, N)
    asset = np.tile(np.arange(N), n_rows)
    ok = np.isfinite(y) & np.isfinite(X).all(axis=(1, 2))
    return Samples(X[ok].astype(np.float32), y[ok], date_pos[ok], asset[ok])


def latest_window(prices: pd.DataFrame, spec: FeatureSpec) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features at the last row for every asset: (X (N, window, 2), sigma (N,), valid (N,))."""
    feats, sigma = bar_features(prices, spec)
    T = len(prices)
    if T < spec.vol_window + spec.window + 1:
        N = prices.shape[1]
        return np.zeros((N, spec.window, N_FEATURES), np.float32), np.full(N, np.nan), np.zeros(N, bool)
    X = _windows(feats, np.array([T - 1]), spec.window)[0]  # (N, window, F)
    valid = np.isfinite(X).all(axis=(1, 2)) & np.isfinite(sigma[-1])
    return np.nan_to_num(X).astype(np.float32), sigma[-1], valid
