"""dynamics.json, dynamics.md (the sketch's claimed figures beside the measured ones) and a
forecast-against-truth plot per system."""
from __future__ import annotations

import json
import math
from datetime import datetime, timezone
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from tqdm.auto import tqdm  # noqa: E402

from kamfin.dynamics import run as dr  # noqa: E402
from kamfin.report.outputs import json_safe, write_atomically  # noqa: E402
from kamfin.runner import versions  # noqa: E402

NAMES = {"kamnn": "KAMNN", "lstm": "LSTM", "transformer": "Transformer", "ngrc": "NG-RC ridge", "persistence": "persistence",
         "ridge": "ridge", "climatology": "climatology"}


def f(x, spec="{:.1f}", std=None) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if isinstance(x, float) and math.isinf(x):
        return "diverged"
    text = spec.format(x)
    return text + (f" +- {spec.format(std)}" if std else "")


def plot_system(name: str, res: dict, path: Path) -> None:
    c = res["curves"]
    t = np.arange(1, len(c["truth"]) + 1) * c["dt"]
    fig, ax = plt.subplots(figsize=(10, 4))
    ax.plot(t, c["truth"], color="black", linewidth=2, label="truth")
    for model in dr.MODELS_STEP:
        ax.plot(t, c[model], linewidth=1, label=NAMES[model])
    lo, hi = np.nanmin(c["truth"]), np.nanmax(c["truth"])
    ax.set_ylim(lo - 0.5 * (hi - lo), hi + 0.5 * (hi - lo))
    ax.set_xlabel(res["settings"]["unit"])
    ax.set_ylabel(c["label"])
    ax.set_title(f"{name}: autonomous forecast from the first test start (seed 0)")
    ax.legend(ncol=3, fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_enso(res: dict, path: Path) -> None:
    c = res["curves"]
    years = 1950 + np.asarray(c["month"]) / 12
    fig, ax = plt.subplots(figsize=(10, 4))
    ax.plot(years, c["truth"], color="black", linewidth=2, label="outcome")
    for model in ("persistence", "ridge", *dr.MODELS_STEP[2:]):
        ax.plot(years, c[model], linewidth=1, label=NAMES[model])
    ax.axhline(0, color="grey", linewidth=0.8)
    ax.set_ylabel("SST anomaly (deg C)")
    ax.set_title(f"ENSO: forecasts made {c['lead']} months ahead, test years (seed 0)")
    ax.legend(ncol=3, fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def markdown(doc: dict) -> str:
    md = ["# The design sketch's dynamical-systems table, measured", "",
          f"Run {doc['manifest']['created']}; seeds {doc['manifest']['seeds']}; "
          f"{'quick run (short series, 5 epochs)' if doc['manifest']['quick'] else 'full run'}. "
          "Every NRMSE is the root mean squared error in % of the series' standard deviation (training part), "
          "after the stated number of autonomous steps; mean +- std over seeds for the neural models.", ""]
    systems = doc["systems"]
    claimed = [n for n in dr.CLAIMED if n in systems]
    if claimed:
        md += ["## Claimed against measured", "",
               "The sketch's figures (metric, horizon and normalisation not stated) beside ours: NRMSE at one step and "
               "at the stated horizon.", "",
               "| System | Horizon | KAMNN claimed | KAMNN measured (1 step / horizon) | LSTM claimed | LSTM measured | "
               "Transformer claimed | Transformer measured | NG-RC ridge measured |",
               "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
        for n in claimed:
            s, m = systems[n]["settings"], systems[n]["models"]
            cells = [n, f"{s['horizon']} steps = {s['horizon'] * s['dt']:g} {s['unit']}"]
            for model, claim in zip(dr.MODELS_STEP[2:], dr.CLAIMED[n]):
                cells += [f"{claim}%", f"{f(m[model]['nrmse_1'], '{:.2f}%')} / {f(m[model]['nrmse_h'], '{:.1f}%')}"]
            cells.append(f"{f(m['ngrc']['nrmse_1'], '{:.2f}%')} / {f(m['ngrc']['nrmse_h'], '{:.1f}%')}")
            md.append("| " + " | ".join(cells) + " |")
        md.append("")
    for n, res in systems.items():
        if n == "enso":
            continue
        s = res["settings"]
        md += [f"## {n}", ""]
        facts = [f"sampled every {s['dt']:g} {s['unit']}, {s['n']} samples, first {s['train_fraction']:.0%} for training, "
                 f"windows of {s['window']} states, multi-step horizon {s['horizon']} steps, {s['starts']} test starts"]
        if s.get("lyapunov_exponent"):
            per = "time unit" if s["unit"] == "time units" else s["unit"]
            facts.append(f"largest Lyapunov exponent {s['lyapunov_exponent']:.3f} per {per}; VPT = time until "
                         f"the normalised error exceeds 0.5, in Lyapunov times; DOP853 and Radau references agree for "
                         f"{s['solver_agreement_lyapunov_times']:.1f} Lyapunov times from the first test state")
        if "reference_energy_drift" in s:
            facts.append(f"the reference conserves energy to {s['reference_energy_drift']:.1e} (relative)")
        md += [f"- {x}" for x in facts] + [""]
        keys = ["nrmse_1", "nrmse_h"] + (["vpt"] if s.get("lyapunov_exponent") else []) + \
               (["energy_drift"] if "reference_energy_drift" in s else []) + ["sensitivity", "diverged"]
        head = {"nrmse_1": "NRMSE 1 step (%)", "nrmse_h": f"NRMSE {s['horizon']} steps (%)", "vpt": "VPT (Lyapunov times)",
                "energy_drift": f"energy error at {s['horizon']} steps (rel.)", "sensitivity": "sensitivity to input noise",
                "diverged": "rollouts diverged"}
        spec = {"nrmse_1": "{:.2f}", "nrmse_h": "{:.1f}", "vpt": "{:.2f}", "energy_drift": "{:.3f}", "sensitivity": "{:.3f}",
                "diverged": "{:.0%}"}
        md += ["| Model | " + " | ".join(head[k] for k in keys) + " |", "|---|" + "---:|" * len(keys)]
        for model, m in res["models"].items():
            md.append(f"| {NAMES[model]} | " + " | ".join(f(m[k], spec[k], m.get(f"{k}_std") if k != "diverged" else None)
                                                          for k in keys) + " |")
        md += ["", f"![{n}]({n}.png)", ""]
    if "enso" in systems:
        res = systems["enso"]
        md += ["## ENSO (Nino 1+2 SST, 1950-2010)", "",
               f"Direct forecasts of the monthly anomaly (against {res['settings']['climatology']}) from the last "
               f"{res['settings']['window_months']} months; test = the last {1 - res['settings']['train_fraction']:.0%} of the "
               "record. Skill = correlation of forecast and outcome (climatology forecasts 0, so its correlation is "
               "undefined); RMSE in degrees C.", "",
               "| Model | " + " | ".join(f"{h} months: corr / RMSE" for h in res["leads"]) + " |",
               "|---|" + "---:|" * len(res["leads"])]
        for model in next(iter(res["leads"].values())):
            md.append(f"| {NAMES[model]} | " + " | ".join(
                f"{f(res['leads'][h][model]['corr'], '{:.2f}', res['leads'][h][model]['corr_std'])} / "
                f"{res['leads'][h][model]['rmse_c']:.2f}" for h in res["leads"]) + " |")
        md += ["", "![enso](enso.png)", ""]
    md += ["## Caveats", "",
           "- Volume preservation is the right prior for the conservative double pendulum and the wrong one for the "
           "dissipative Lorenz system and for irradiance; KAMNN's learned decay lets it contract.",
           "- Persistence keeps the pendulum's energy exactly (a frozen state has the energy it started with); "
           "its energy error is no merit.",
           "- A percentage error means nothing without its horizon, metric and normalisation; the sketch gives none, "
           "so its figures cannot be matched exactly. MAPE is not used: these series cross zero.",
           "- Versions: " + ", ".join(f"{k} {v}" for k, v in doc["manifest"]["versions"].items()), ""]
    return "\n".join(md)


def run_dynamics(systems: tuple[str, ...], quick: bool, seeds: tuple[int, ...], out: str | Path, progress: bool = True) -> Path:
    results = {}
    for name in tqdm(systems, desc="systems", disable=None if progress else True):
        results[name] = dr.run_enso(quick, seeds) if name == "enso" else dr.run_system(name, quick, seeds)
    doc = {"systems": results, "manifest": {"created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                                             "quick": quick, "seeds": list(seeds), "versions": versions()}}

    def write(folder: Path) -> None:
        for name, res in results.items():
            if name == "enso":
                plot_enso(res, folder / "enso.png")
            else:
                plot_system(name, res, folder / f"{name}.png")
        (folder / "dynamics.md").write_text(markdown(doc))
        slim = {n: {k: v for k, v in r.items() if k != "curves"} for n, r in results.items()}
        (folder / "dynamics.json").write_text(json.dumps(json_safe(doc | {"systems": slim}), indent=2, allow_nan=False))

    return write_atomically(out, write)
