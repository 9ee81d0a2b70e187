"""``kamfin dynamics``: the sketch's table, measured. Each system's settings are stated in
the output beside every number (horizon, metric, normalisation, seeds)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from scipy.integrate import solve_ivp
from sklearn.linear_model import Ridge

from kamfin.dynamics import experiment as ex
from kamfin.dynamics import systems as sy
from kamfin.forecast.training import TrainConfig, predict_batched, train_regressor
from kamfin.models import MODELS

SYSTEMS = ("lorenz", "double_pendulum", "solar_irradiance", "enso")
MODELS_STEP = ("persistence", "ngrc", *ex.NEURAL)
ENSO_LEADS = (6, 12, 18)
TRAIN_FRAC = 0.7

# the design sketch's error figures (%, metric and horizon unstated): KAMNN, LSTM, Transformer
CLAIMED = {"lorenz": (3.2, 12.3, 9.8), "double_pendulum": (5.9, 18.7, 15.1), "solar_irradiance": (8.3, 22.4, 19.6)}


@dataclass(frozen=True)
class Setting:
    n: int  # samples simulated
    dt: float
    window: int  # L past states per sample
    horizon: int  # steps of the multi-step NRMSE
    rollout: int  # steps of the VPT rollouts
    starts: int  # test starts averaged


def settings(name: str, quick: bool) -> Setting:
    full = {
        "lorenz": Setting(8000, 0.02, 8, 55, 830, 20),  # horizon ~1 Lyapunov time; rollouts ~15
        "double_pendulum": Setting(8000, 0.05, 8, 80, 800, 20),  # ~1 and ~10 Lyapunov times
        "solar_irradiance": Setting(8760, 1.0, 24, 24, 24, 400),  # one day ahead, from every hour of the day
    }[name]
    if not quick:
        return full
    return Setting(min(full.n, 3000), full.dt, full.window, full.horizon, min(full.rollout, 200), 5 if full.starts < 100 else 100)


def train_config(quick: bool) -> TrainConfig:
    return TrainConfig(epochs=5 if quick else 40, batch_size=256, lr=3e-3, patience=6, max_train=10**6)


def load(name: str, s: Setting) -> sy.Series:
    if name == "lorenz":
        return sy.lorenz(s.n, s.dt)
    if name == "double_pendulum":
        return sy.double_pendulum(s.n, s.dt)
    solar = sy.solar_irradiance()
    return sy.Series(solar.name, solar.states[: s.n], solar.dt, solar.unit, None, solar.names)


def solver_agreement(series: sy.Series, split: ex.Split, steps: int) -> float:
    """Lyapunov times for which DOP853 and Radau, both at rtol 1e-10, agree within the VPT
    threshold from the first test state: a VPT beyond this would mean nothing."""
    rhs = sy.lorenz_rhs if series.name == "lorenz" else sy.pendulum_rhs
    x0 = series.states[split.n_train]
    t = np.arange(steps) * series.dt
    a, b = (solve_ivp(rhs, (0, t[-1]), x0, method=m, t_eval=t, rtol=sy.RTOL, atol=sy.ATOL).y.T for m in ("DOP853", "Radau"))
    err = np.sqrt(np.mean(((a - b) / split.std) ** 2, axis=1))
    over = err > ex.VPT_THRESHOLD
    k = over.argmax() if over.any() else steps
    return float(k * series.dt * series.lyapunov)


def run_system(name: str, quick: bool, seeds: tuple[int, ...]) -> dict:
    s = settings(name, quick)
    series = load(name, s)
    split = ex.normalise(series.states, TRAIN_FRAC)
    X, Y = ex.windows(split.z, s.window, 0, split.n_train)
    Xt, Yt = ex.windows(split.z, s.window, split.n_train, len(split.z))
    span = max(s.rollout, s.horizon)
    starts = np.linspace(split.n_train + s.window, len(split.z) - span - 1, s.starts).astype(int)
    truth = np.stack([split.z[t + 1 : t + 1 + span] for t in starts])
    out = {"settings": s.__dict__ | {"unit": series.unit, "train_fraction": TRAIN_FRAC, "n_train": split.n_train,
                                     "lyapunov_exponent": series.lyapunov}, "models": {}}
    if series.lyapunov:
        out["settings"]["solver_agreement_lyapunov_times"] = solver_agreement(series, split, span * 3)
    if name == "double_pendulum":
        energy = sy.pendulum_energy(series.states)
        out["settings"]["reference_energy_drift"] = float(np.abs(energy - energy[0]).max() / abs(energy[0]))
    curves = {}
    for model in MODELS_STEP:
        runs = []
        for seed in (seeds if model in ex.NEURAL else seeds[:1]):
            f = ex.fit(model, X, Y, train_config(quick), seed)
            R = ex.rollouts(f, split.z, starts, s.window, span)
            r = {"nrmse_1": ex.nrmse(Xt[:, -1] + f(Xt), Xt[:, -1] + Yt),
                 "nrmse_h": ex.nrmse(R[:, s.horizon - 1], truth[:, s.horizon - 1]),
                 "sensitivity": ex.sensitivity(f, Xt[: min(len(Xt), 1000)]), "diverged": ex.diverged(R)}
            if series.lyapunov:
                r["vpt"] = float(np.mean(ex.valid_time(R, truth)) * series.dt * series.lyapunov)
            if name == "double_pendulum":
                pred = R[:, s.horizon - 1] * split.std + split.mean
                true = truth[:, s.horizon - 1] * split.std + split.mean
                drift = np.abs(sy.pendulum_energy(pred) - sy.pendulum_energy(true)) / np.abs(sy.pendulum_energy(true))
                r["energy_drift"] = float(np.mean(drift)) if np.isfinite(drift).all() else float("inf")
            runs.append(r)
            if seed == seeds[0]:
                curves[model] = R[0, :, 0] * split.std[0] + split.mean[0]
        out["models"][model] = {k: float(np.mean([r[k] for r in runs])) for k in runs[0]} | {
            f"{k}_std": float(np.std([r[k] for r in runs], ddof=1)) if len(runs) > 1 else 0.0 for k in runs[0]
        } | {"seeds": len(runs)}
    out["curves"] = {"truth": truth[0, :, 0] * split.std[0] + split.mean[0], "dt": series.dt, "label": series.names[0], **curves}
    return out


def run_enso(quick: bool, seeds: tuple[int, ...]) -> dict:
    """Direct forecasts of the SST anomaly 6, 12 and 18 months ahead; skill = correlation."""
    x = sy.enso().states[:, 0]
    T, n_train, L = len(x), int(len(x) * TRAIN_FRAC), 24
    month = np.arange(T) % 12
    clim = np.array([x[:n_train][month[:n_train] == m].mean() for m in range(12)])  # training years only
    a = x - clim[month]
    scale = a[:n_train].std()
    feats = np.column_stack([a / scale, np.sin(2 * np.pi * month / 12), np.cos(2 * np.pi * month / 12)]).astype(np.float32)
    out = {"settings": {"window_months": L, "train_fraction": TRAIN_FRAC, "first_test_month": int(n_train),
                        "climatology": "monthly means of the training years"}, "leads": {}}
    for h in ENSO_LEADS:
        ends = np.arange(L - 1, T - h)
        Xw = np.stack([feats[t - L + 1 : t + 1] for t in ends])
        y = (a[ends + h] / scale).astype(np.float32)
        tr, te = ends + h < n_train, ends >= n_train
        preds = {"persistence": [a[ends[te]] / scale], "climatology": [np.zeros(te.sum())],
                 "ridge": [Ridge(alpha=1.0).fit(Xw[tr].reshape(tr.sum(), -1), y[tr]).predict(Xw[te].reshape(te.sum(), -1))]}
        for model in ex.NEURAL:
            model_cls, config_cls = MODELS[model]
            preds[model] = []
            Xtr, ytr = torch.from_numpy(Xw[tr]), torch.from_numpy(y[tr])
            n_val = max(1, len(ytr) // 5)
            for seed in seeds:
                net, _ = train_regressor(lambda: model_cls(config_cls(n_features=3)), Xtr[:-n_val], ytr[:-n_val],
                                         Xtr[-n_val:], ytr[-n_val:], cfg=train_config(quick), seed=seed)
                preds[model].append(predict_batched(net, torch.from_numpy(Xw[te])).numpy())
        truth = y[te]
        if h == 12:  # the plotted lead: seed 0's forecasts against the outcome, in degrees C
            out["curves"] = {"lead": h, "month": (ends[te] + h).tolist(), "truth": truth * scale,
                             **{m: runs[0] * scale for m, runs in preds.items()}}
        lead = {}
        for model, runs in preds.items():
            corr = [float(np.corrcoef(p, truth)[0, 1]) if np.std(p) > 0 else float("nan") for p in runs]
            rmse = [float(np.sqrt(np.mean((p - truth) ** 2)) * scale) for p in runs]
            lead[model] = {"corr": float(np.mean(corr)), "corr_std": float(np.std(corr, ddof=1)) if len(corr) > 1 else 0.0,
                           "rmse_c": float(np.mean(rmse)), "seeds": len(runs)}
        out["leads"][str(h)] = lead
    return out
