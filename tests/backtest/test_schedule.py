from __future__ import annotations

import pandas as pd
import pytest

from kamfin.backtest.schedule import rebalance_dates
from kamfin.errors import ConfigError


def test_month_ends_are_last_trading_days():
    dates = pd.bdate_range("2021-01-01", "2021-04-30")
    got = rebalance_dates(dates, "M")
    assert list(got.strftime("%Y-%m-%d")) == ["2021-01-29", "2021-02-26", "2021-03-31", "2021-04-30"]


def test_final_row_counts_only_if_it_ends_its_period():
    dates = pd.bdate_range("2021-01-01", "2021-03-15")
    assert rebalance_dates(dates, "M")[-1] == pd.Timestamp("2021-02-26")
    assert rebalance_dates(dates, "D")[-1] == pd.Timestamp("2021-03-15")


def test_cut_table_gives_the_same_dates_as_the_full_one():
    full = pd.bdate_range("2020-01-01", "2021-12-31")
    for freq in "DWMQ":
        cut = full[full <= pd.Timestamp("2021-06-30")]
        a, b = rebalance_dates(cut, freq), rebalance_dates(full, freq)
        assert a.equals(b[b <= cut[-1]])


def test_weekly_and_quarterly():
    dates = pd.bdate_range("2021-01-01", "2021-12-31")
    assert (rebalance_dates(dates, "W").dayofweek == 4).all()
    assert len(rebalance_dates(dates, "Q")) == 4


def test_unknown_frequency():
    with pytest.raises(ConfigError, match="use one of D, W, M, Q"):
        rebalance_dates(pd.bdate_range("2021-01-01", periods=5), "Y")
