"""The embedded offline dataset.

Daily adjusted closes of 20 large US stocks and the S&P 500 index, 1990-01-02 to
2022-12-28: the figures that the skfolio package ships (BSD 3-Clause, Copyright (c)
2023-2026 The skfolio developers). A fixed, survivorship-biased sample: today's large caps
chosen in hindsight.
"""
from __future__ import annotations

from importlib import resources

import pandas as pd

NAME = "sp500"
INDEX_NAME = "SP500"
SURVIVORSHIP_NOTE = (
    "The embedded sp500 data are 20 of today's large caps chosen in hindsight: a "
    "survivorship-biased sample that flatters every long-only strategy."
)


def _read(filename: str) -> pd.DataFrame:
    ref = resources.files("kamfin.data").joinpath("files", filename)
    with resources.as_file(ref) as path:
        frame = pd.read_csv(path, index_col=0, parse_dates=[0])
    frame.index = pd.DatetimeIndex(frame.index).rename("date")
    return frame


def read_embedded_prices() -> pd.DataFrame:
    """Raw table, ``(8313, 20)``, before validation."""
    return _read("sp500_dataset.csv.gz")


def read_embedded_index() -> pd.Series:
    """S&P 500 index level on the same dates."""
    return _read("sp500_index.csv.gz").iloc[:, 0].rename(INDEX_NAME)
