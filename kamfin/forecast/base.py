"""What every window forecaster shares: the purged time split, the validation IC and the
calibration of raw scores into expected returns.

Calibration (Grinold): alpha_i = IC x sigma_i x z_i, with z the cross-sectional z-score of
the model's scores, sigma_i the asset's volatility over the forecast horizon and IC the
rank information coefficient measured on the validation split (clipped to [0, IC_MAX]).
A model with no validated skill gets IC = 0, hence alpha = 0: the optimizer then holds
the minimum-risk portfolio instead of chasing noise.
"""
from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from kamfin.features import FeatureSpec, Samples, build_samples, latest_window

IC_MAX = 0.1


def time_split(samples: Samples, val_fraction: float, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks (train, val): the last ``val_fraction`` of sample dates validate; a
    training sample is kept only if its label ends before the first validation date."""
    dates = np.unique(samples.date_pos)
    n_val = max(1, int(round(len(dates) * val_fraction)))
    first_val = dates[-n_val]
    val = samples.date_pos >= first_val
    train = samples.date_pos + horizon < first_val
    return train, val


def rank_ic(pred: np.ndarray, y: np.ndarray, date_pos: np.ndarray) -> float:
    """Mean over dates of the cross-sectional Spearman correlation (dates with >= 3 assets)."""
    ics = []
    for d in np.unique(date_pos):
        m = date_pos == d
        if m.sum() >= 3 and np.ptp(pred[m]) > 0 and np.ptp(y[m]) > 0:
            ics.append(spearmanr(pred[m], y[m]).statistic)
    return float(np.mean(ics)) if ics else 0.0


def calibrate(scores: np.ndarray, sigma: np.ndarray, ic: float) -> np.ndarray:
    """Expected returns over the horizon: clip(ic) x sigma x cross-sectional z-score."""
    z = np.zeros_like(scores)
    sd = scores.std()
    if len(scores) > 1 and sd > 0:
        z = (scores - scores.mean()) / sd
    return float(np.clip(ic, 0.0, IC_MAX)) * sigma * z


class WindowForecaster(ABC):
    """Template: subclasses implement ``_fit(train, val)`` and ``_scores(X)``."""

    def __init__(self, spec: FeatureSpec = FeatureSpec(), val_fraction: float = 0.2):
        self.spec = spec
        self.val_fraction = val_fraction

    def fit(self, prices: pd.DataFrame) -> "WindowForecaster":
        samples = build_samples(prices, self.spec)
        if len(samples) == 0:
            raise ValueError(f"{len(prices)} rows are too few to build one training sample")
        train, val = time_split(samples, self.val_fraction, self.spec.horizon)
        mean = samples.X[train].reshape(-1, samples.X.shape[-1]).mean(0)  # scaler: training rows only
        std = samples.X[train].reshape(-1, samples.X.shape[-1]).std(0) + 1e-8
        self.scaler_ = (mean.astype(np.float32), std.astype(np.float32))
        tr, va = samples.subset(train), samples.subset(val)
        self._fit(self._scale(tr), self._scale(va))
        self.ic_ = rank_ic(self._scores(self._scale(va).X), va.y, va.date_pos)
        self.n_train_, self.n_val_ = len(tr), len(va)
        return self

    def _scale(self, s: Samples) -> Samples:
        mean, std = self.scaler_
        return Samples((s.X - mean) / std, s.y, s.date_pos, s.asset)

    def forecast(self, prices: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
        """(raw model scores, NaN without a full window; expected simple returns over the
        next ``spec.horizon`` bars, 0 without a full window), from one pass over the features."""
        if not hasattr(self, "scaler_"):
            raise RuntimeError(f"{type(self).__name__} is not fitted; call fit(prices) first")
        X, sigma, valid = latest_window(prices, self.spec)
        raw = np.full(prices.shape[1], np.nan)
        expected = np.zeros(prices.shape[1])
        if valid.any():
            mean, std = self.scaler_
            raw[valid] = self._scores((X[valid] - mean) / std)
        if valid.sum() >= 2:
            expected[valid] = calibrate(raw[valid], sigma[valid] * np.sqrt(self.spec.horizon), self.ic_)
        return pd.Series(raw, index=prices.columns), pd.Series(expected, index=prices.columns)

    def scores(self, prices: pd.DataFrame) -> pd.Series:
        """The model's raw score at the last row, per ticker (NaN without a full window)."""
        return self.forecast(prices)[0]

    def predict(self, prices: pd.DataFrame) -> pd.Series:
        """Expected simple return over the next ``spec.horizon`` bars, per ticker (0 where
        the asset has no full feature window)."""
        return self.forecast(prices)[1]

    @abstractmethod
    def _fit(self, train: Samples, val: Samples) -> None:
        """Learn from scaled training samples; ``val`` is for early stopping."""

    @abstractmethod
    def _scores(self, X: np.ndarray) -> np.ndarray:
        """Raw scores of scaled windows (n, window, features) -> (n,)."""
