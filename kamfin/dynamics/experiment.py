"""One-step models of a dynamical system, rolled out, and scored honestly.

Data: states z, normalised by the training part's mean and standard deviation (so every
NRMSE below is in % of the series' standard deviation). A sample is a window of ``L``
past states; the target is the next increment z_{t+1} - z_t (scaled by its training
standard deviation). Models: persistence (increment 0), NG-RC style ridge regression on
the last two states and their quadratic monomials (Gauthier et al. 2021), and KAMNN,
LSTM and Transformer (``kamfin.models``) trained by ``kamfin.forecast.training``.

Metrics, each stated with its horizon:
- ``nrmse_1``: one-step NRMSE (%) on the test part, teacher-forced;
- ``nrmse_h``: NRMSE (%) after ``horizon`` autonomous steps, over several test starts;
- ``vpt``: valid prediction time, the first step at which the normalised error
  sqrt(mean_d (zhat - z)^2) exceeds 0.5, in Lyapunov times (chaotic systems);
- ``energy_drift``: |H(rollout) - H(truth)| / |H(truth)| at the horizon (double pendulum);
- ``sensitivity``: ||f(X + d) - f(X)|| / ||d|| for small noise d on the input window
  (one step; lower is more resilient to perturbations).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations_with_replacement

import numpy as np
import torch
from sklearn.linear_model import Ridge

from kamfin.forecast.training import TrainConfig, predict_batched, train_regressor
from kamfin.models import MODELS

NEURAL = ("kamnn", "lstm", "transformer")
VPT_THRESHOLD = 0.5


@dataclass(frozen=True)
class Split:
    z: np.ndarray  # (T, d) normalised states
    mean: np.ndarray
    std: np.ndarray
    n_train: int


def normalise(states: np.ndarray, train_frac: float) -> Split:
    n_train = int(len(states) * train_frac)
    mean, std = states[:n_train].mean(0), states[:n_train].std(0) + 1e-12
    return Split((states - mean) / std, mean, std, n_train)


def windows(z: np.ndarray, L: int, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
    """Windows ending at t in [lo + L - 1, hi - 2] and their next increments."""
    ends = np.arange(lo + L - 1, hi - 1)
    X = np.stack([z[t - L + 1 : t + 1] for t in ends])
    return X.astype(np.float32), (z[ends + 1] - z[ends]).astype(np.float32)


def quadratic_features(X: np.ndarray) -> np.ndarray:
    """NG-RC features: constant, the last two states, their unique quadratic monomials."""
    lin = X[:, -2:, :].reshape(len(X), -1)
    quad = np.stack([lin[:, i] * lin[:, j] for i, j in combinations_with_replacement(range(lin.shape[1]), 2)], axis=1)
    return np.hstack([np.ones((len(X), 1)), lin, quad])


Predictor = Callable[[np.ndarray], np.ndarray]  # windows (n, L, d) -> increments (n, d)


def fit(model: str, X: np.ndarray, Y: np.ndarray, train: TrainConfig, seed: int) -> Predictor:
    if model == "persistence":
        return lambda W: np.zeros((len(W), W.shape[-1]))
    scale = Y.std(0) + 1e-12
    if model == "ngrc":
        reg = Ridge(alpha=1e-6).fit(quadratic_features(X), Y / scale)
        return lambda W: reg.predict(quadratic_features(W)).reshape(len(W), -1) * scale
    model_cls, config_cls = MODELS[model]
    d = X.shape[-1]
    n_val = max(1, len(X) // 5)  # the last fifth of the training windows validates
    target = (Y / scale)[:, 0] if d == 1 else Y / scale  # the models emit (batch,) for one output
    tensors = [torch.from_numpy(np.ascontiguousarray(a)) for a in (X[:-n_val], target[:-n_val], X[-n_val:], target[-n_val:])]
    net, _ = train_regressor(lambda: model_cls(config_cls(n_features=d, n_outputs=d)), *tensors, cfg=train, seed=seed)

    def predict(W: np.ndarray) -> np.ndarray:
        out = predict_batched(net, torch.from_numpy(np.ascontiguousarray(W, dtype=np.float32))).numpy()
        return out.reshape(len(W), d) * scale

    return predict


def rollout(predict: Predictor, window: np.ndarray, steps: int) -> np.ndarray:
    """Autonomous forecast of ``steps`` states from one window (L, d)."""
    w = window.copy()
    out = np.empty((steps, w.shape[1]))
    for k in range(steps):
        nxt = w[-1] + predict(w[None])[0]
        out[k] = nxt
        w = np.vstack([w[1:], nxt])
    return out


DIVERGED = 1e3  # |z| beyond this many standard deviations: the rollout has blown up


def rollouts(predict: Predictor, z: np.ndarray, starts: np.ndarray, L: int, steps: int) -> np.ndarray:
    """(n_starts, steps, d), all starts advanced together (one batched call per step). A
    rollout that blows up (non-finite, or |z| > DIVERGED) is NaN from then on."""
    w = np.stack([z[s - L + 1 : s + 1] for s in starts]).astype(np.float32)
    out = np.full((len(starts), steps, z.shape[1]), np.nan)
    alive = np.ones(len(starts), dtype=bool)
    for k in range(steps):
        if not alive.any():
            break
        with np.errstate(over="ignore", invalid="ignore"):
            nxt = w[alive, -1] + predict(w[alive])
        ok = np.isfinite(nxt).all(axis=1) & (np.abs(nxt).max(axis=1) < DIVERGED)
        idx = np.flatnonzero(alive)
        out[idx[ok], k] = nxt[ok]
        w[idx[ok]] = np.concatenate([w[idx[ok], 1:], nxt[ok, None].astype(np.float32)], axis=1)
        alive[idx[~ok]] = False
    return out


def nrmse(pred: np.ndarray, truth: np.ndarray) -> float:
    """In % of the standard deviation (states are normalised); inf if a rollout diverged."""
    if np.isnan(pred).any():
        return float("inf")
    return float(np.sqrt(np.mean((pred - truth) ** 2)) * 100)


def diverged(pred: np.ndarray) -> float:
    """Share of rollouts that blew up."""
    return float(np.isnan(pred).any(axis=(1, 2)).mean())


def valid_time(pred: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """Steps until the normalised error first exceeds VPT_THRESHOLD (or the rollout
    diverged), per start."""
    err = np.sqrt(np.mean((pred - truth) ** 2, axis=-1))  # (n_starts, steps)
    over = ~(err <= VPT_THRESHOLD)
    return np.where(over.any(axis=1), over.argmax(axis=1), err.shape[1]).astype(float)


def sensitivity(predict: Predictor, X: np.ndarray, eps: float = 1e-3, seed: int = 0) -> float:
    rng = np.random.default_rng(seed)
    d = (eps * rng.normal(size=X.shape)).astype(np.float32)
    base = X[:, -1] + predict(X)
    moved = X[:, -1] + d[:, -1] + predict(X + d)
    return float(np.mean(np.linalg.norm(moved - base, axis=1) / np.linalg.norm(d.reshape(len(X), -1), axis=1)))
