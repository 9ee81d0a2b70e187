"""Every validation rule raises a DataError that names the ticker and the date."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kamfin.data.validate import check_dates, history_mask, parse_dates, validate_prices
from kamfin.errors import DataError
from tests.conftest import synthetic_prices


def test_clean_table_passes_unchanged():
    prices = synthetic_prices()
    out = validate_prices(prices, "t")
    pd.testing.assert_frame_equal(out, prices.astype("float64"), check_freq=False)


def test_unparsable_date_names_the_row():
    with pytest.raises(DataError, match=r"unparsable date 'not-a-date' in row 2"):
        parse_dates(pd.Series(["2020-01-02", "not-a-date"]), "f.csv")


def test_duplicated_dates():
    idx = pd.DatetimeIndex(["2020-01-02", "2020-01-03", "2020-01-03"])
    with pytest.raises(DataError, match="2020-01-03 appears more than once"):
        check_dates(idx, "f.csv")


def test_unsorted_dates():
    idx = pd.DatetimeIndex(["2020-01-02", "2020-01-06", "2020-01-03"])
    with pytest.raises(DataError, match="2020-01-03 comes after 2020-01-06; sort"):
        check_dates(idx, "f.csv")


def test_non_positive_price_names_ticker_and_date():
    prices = synthetic_prices()
    prices.iloc[10, 2] = 0.0
    day = prices.index[10]
    with pytest.raises(DataError, match=f"prices for A2 are non-positive on {day:%Y-%m-%d}"):
        validate_prices(prices, "t")


def test_non_numeric_price():
    prices = synthetic_prices().astype(object)
    prices.iloc[5, 1] = "n/a?"
    with pytest.raises(DataError, match="price for A1 on .* is not a number"):
        validate_prices(prices, "t")


def test_all_missing_column():
    prices = synthetic_prices()
    prices["A3"] = np.nan
    with pytest.raises(DataError, match="column A3 .* has no prices; drop the column"):
        validate_prices(prices, "t")


def test_short_gap_is_forward_filled():
    prices = synthetic_prices()
    prices.iloc[50:53, 0] = np.nan
    out = validate_prices(prices, "t", max_ffill=5)
    assert (out.iloc[50:53, 0] == prices.iloc[49, 0]).all()
    assert not out.isna().any().any()


def test_long_gap_is_an_error():
    prices = synthetic_prices()
    prices.iloc[50:57, 1] = np.nan
    with pytest.raises(DataError, match=r"prices for A1 are missing for 7 bars from .* \(at most 5"):
        validate_prices(prices, "t", max_ffill=5)


def test_series_that_ends_early_is_an_error():
    prices = synthetic_prices()
    prices.iloc[-3:, 0] = np.nan
    with pytest.raises(DataError, match="prices for A0 end on"):
        validate_prices(prices, "t")


def test_late_starting_asset_keeps_leading_nans_and_is_masked():
    prices = synthetic_prices()
    prices.iloc[:100, 3] = np.nan
    out = validate_prices(prices, "t")
    assert out.iloc[:100, 3].isna().all() and out.iloc[100:, 3].notna().all()
    mask = history_mask(out.iloc[:150], min_history=60)
    assert mask.to_dict() == {"A0": True, "A1": True, "A2": True, "A3": False}
