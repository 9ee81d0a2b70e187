"""The embedded dataset, user files, source parsing and the point-in-time view."""
from __future__ import annotations

import pandas as pd
import pytest

from kamfin.data import MarketView, fingerprint, load_index, load_prices, parse_source
from kamfin.errors import ConfigError, DataError


def test_embedded_dataset_offline(sp500):
    assert sp500.shape == (8313, 20)
    assert sp500.index[0] == pd.Timestamp("1990-01-02") and sp500.index[-1] == pd.Timestamp("2022-12-28")
    assert {"AAPL", "RRC", "XOM"} <= set(sp500.columns)
    index = load_index("sp500")
    assert index.index.equals(sp500.index) and index.name == "SP500"


def test_start_end_slice():
    prices = load_prices("sp500", start="2020-01-01", end="2020-12-31")
    assert prices.index[0] >= pd.Timestamp("2020-01-01") and prices.index[-1] <= pd.Timestamp("2020-12-31")


def test_csv_and_parquet_files_round_trip(tmp_path, small_prices):
    csv, pq = tmp_path / "p.csv", tmp_path / "p.parquet"
    small_prices.to_csv(csv)
    small_prices.to_parquet(pq)
    for path in (csv, pq):
        got = load_prices(str(path))
        pd.testing.assert_frame_equal(got, small_prices, check_freq=False, check_index_type=False, check_exact=False)
        assert fingerprint(got) == fingerprint(load_prices(str(path)))


def test_parse_source():
    assert parse_source("sp500").kind == "embedded"
    assert parse_source("yf:aapl, msft").value == "AAPL,MSFT"
    assert parse_source("x/prices.csv").kind == "file"
    with pytest.raises(ConfigError, match="unknown price source"):
        parse_source("bloomberg")
    with pytest.raises(ConfigError, match="needs tickers"):
        parse_source("yf:")


def test_missing_file_is_data_error(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        load_prices(str(tmp_path / "nope.csv"))


def test_unsorted_file_is_rejected_before_slicing(tmp_path, small_prices):
    path = tmp_path / "p.csv"
    small_prices.iloc[::-1].to_csv(path)
    with pytest.raises(DataError, match="not ascending"):
        load_prices(str(path), start="2015-01-01")


def test_view_serves_rows_up_to_t_and_is_read_only(small_prices):
    view = MarketView(small_prices)
    t = pd.Timestamp("2015-06-30")
    served = view.serve(t)
    assert served.index[-1] == t and served.index.equals(small_prices.loc[:t].index)
    assert len(view.serve("2000-01-01")) == 0
    with pytest.raises(ValueError):
        served.to_numpy()[0, 0] = -1.0
