"""Plots of a run (PNG files): equity curves on a log scale, drawdowns, rolling one-year
Sharpe, weights over time, a forest plot of Sharpe differences, and IC per model."""
from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from kamfin.evaluate.metrics import drawdown  # noqa: E402


def _save(fig, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def equity_plot(returns: pd.DataFrame, path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(10, 5))
    for name in returns:
        r = returns[name].dropna()
        ax.plot(r.index, (1 + r).cumprod(), label=name, linewidth=1.2)
    ax.set_yscale("log")
    ax.set_title("Growth of 1 (log scale), after fees and slippage")
    ax.set_ylabel("portfolio value")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    return _save(fig, path)


def drawdown_plot(returns: pd.DataFrame, path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(10, 4))
    for name in returns:
        r = returns[name].dropna()
        ax.plot(r.index, drawdown(r) * 100, label=name, linewidth=1.0)
    ax.set_title("Drawdown from running peak")
    ax.set_ylabel("%")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="lower left")
    return _save(fig, path)


def rolling_sharpe_plot(returns: pd.DataFrame, path: Path, periods_per_year: int) -> Path:
    fig, ax = plt.subplots(figsize=(10, 4))
    roll = returns.rolling(periods_per_year, min_periods=periods_per_year)
    for name, series in (roll.mean() / roll.std() * math.sqrt(periods_per_year)).items():
        ax.plot(series.index, series, label=name, linewidth=1.0)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_title("Rolling one-year Sharpe ratio")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="lower left", ncol=4)
    return _save(fig, path)


def weights_plot(weights: dict[str, pd.DataFrame], path: Path, top: int = 8) -> Path:
    """One stacked-area panel per strategy: its largest ``top`` assets and the rest."""
    n = len(weights)
    cols = 2 if n > 1 else 1
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(13, 2.8 * rows), squeeze=False, sharex=True)
    for ax, (name, w) in zip(axes.ravel(), weights.items()):
        keep = w.abs().mean().sort_values(ascending=False).index[:top]
        shown = w[keep].clip(lower=0)
        if w.shape[1] > top:
            shown = shown.assign(other=w.drop(columns=keep).clip(lower=0).sum(axis=1))
        ax.stackplot(shown.index, shown.T.to_numpy(), labels=shown.columns, linewidth=0)
        ax.set_title(name)
        ax.set_ylim(0, max(1.0, float(shown.sum(axis=1).max())))
        ax.legend(fontsize=6, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)  # beside, not over, the data
    for ax in axes.ravel()[n:]:
        ax.axis("off")
    fig.suptitle("Target weights over time (long side)")
    return _save(fig, path)


def forest_plot(comparisons: list[dict], path: Path) -> Path:
    labels = [f"{c['strategy']} vs {c['baseline']}" for c in comparisons]
    diff = np.array([c["diff"] for c in comparisons])
    lo = np.array([c["ci_low"] for c in comparisons])
    hi = np.array([c["ci_high"] for c in comparisons])
    y = np.arange(len(comparisons))[::-1]
    colors = ["tab:green" if c["significant"] and c["diff"] > 0 else "tab:red" if c["significant"] else "tab:gray"
              for c in comparisons]
    fig, ax = plt.subplots(figsize=(8, 0.4 * len(comparisons) + 1.2))
    for yi, d, l, h, color in zip(y, diff, lo, hi, colors):
        ax.errorbar(d, yi, xerr=[[d - l], [h - d]], fmt="o", color=color, capsize=3)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y, labels)
    ax.set_xlabel("difference of annualised Sharpe ratios, 95% bootstrap interval")
    ax.set_title("Sharpe differences (grey: not significant at 5%)")
    ax.grid(True, axis="x", alpha=0.3)
    return _save(fig, path)


def ic_plot(forecast: dict[str, dict], path: Path) -> Path:
    names = list(forecast)
    x = np.arange(len(names))
    fig, ax = plt.subplots(figsize=(7, 3.5))
    for offset, key, label in [(-0.18, "ic", "IC"), (0.18, "rank_ic", "rank IC")]:
        mean = np.array([forecast[n][key]["mean"] for n in names])
        n_obs = np.array([max(forecast[n][key]["n"], 1) for n in names])
        ir = np.array([forecast[n][key]["ir"] for n in names])
        se = np.abs(np.divide(mean, ir * np.sqrt(n_obs), out=np.zeros_like(mean), where=ir != 0))
        ax.bar(x + offset, mean, width=0.36, yerr=2 * se, capsize=3, label=label)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(x, names)
    ax.set_title("Out-of-sample information coefficient per decision (mean +- 2 s.e.)")
    ax.legend()
    return _save(fig, path)
