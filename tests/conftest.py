"""Shared fixtures: small price tables cut from the embedded data, and a CLI runner."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kamfin.data import load_prices

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def sp500() -> pd.DataFrame:
    return load_prices("sp500")


@pytest.fixture(scope="session")
def small_prices(sp500) -> pd.DataFrame:
    """6 assets, 2012-2019: enough for a fast walk-forward run."""
    return sp500.loc["2012-01-01":"2019-12-31", ["AAPL", "JNJ", "KO", "MSFT", "XOM", "WMT"]]


def synthetic_prices(n_dates=300, n_assets=4, seed=0, start="2020-01-01") -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rets = rng.normal(0.0004, 0.01, size=(n_dates, n_assets))
    index = pd.bdate_range(start, periods=n_dates, name="date")
    return pd.DataFrame(100 * np.cumprod(1 + rets, axis=0), index=index, columns=[f"A{i}" for i in range(n_assets)])


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the real ``kamfin`` command line in a subprocess."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return subprocess.run(
        [sys.executable, "-m", "kamfin", *args], capture_output=True, text=True, cwd=cwd or REPO, env=env, timeout=300
    )
