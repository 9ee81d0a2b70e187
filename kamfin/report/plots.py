"""Plots of a run: equity curves on a log scale and drawdowns (PNG files)."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from kamfin.evaluate.metrics import drawdown  # noqa: E402


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
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def drawdown_plot(returns: pd.DataFrame, path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(10, 4))
    for name in returns:
        r = returns[name].dropna()
        ax.plot(r.index, drawdown(r) * 100, label=name, linewidth=1.0)
    ax.set_title("Drawdown from running peak")
    ax.set_ylabel("%")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="lower left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
