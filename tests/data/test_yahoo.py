"""yfinance cache: no network in tests, a fake downloader returns yfinance-shaped frames
(``yf.download(ticker, auto_adjust=True)`` in yfinance 1.x: columns (Price, Ticker))."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kamfin.cli import main
from kamfin.data import load_prices
from kamfin.data.yahoo import YahooCache, close_column
from kamfin.errors import DataError


def yf_frame(ticker: str, start: str, end: str) -> pd.DataFrame:
    """A frame with the layout yfinance.download returns for one ticker."""
    index = pd.bdate_range(start, pd.Timestamp(end) - pd.Timedelta(days=1), name="Date")
    base = 100 + np.arange(len(index), dtype=float) * 0.1 + (sum(map(ord, ticker)) % 7)
    cols = pd.MultiIndex.from_product([["Close", "High", "Low", "Open", "Volume"], [ticker]], names=["Price", "Ticker"])
    data = np.column_stack([base, base + 1, base - 1, base, np.full(len(index), 1e6)])
    return pd.DataFrame(data, index=index, columns=cols)


class FakeDownload:
    def __init__(self, fail: bool = False):
        self.calls: list[tuple[str, str, str]] = []
        self.fail = fail

    def __call__(self, ticker, start, end):
        self.calls.append((ticker, start, end))
        if self.fail:
            raise ConnectionError("no route to host")
        return yf_frame(ticker, start, end)


def test_close_column_reads_multilevel_and_flat_frames():
    frame = yf_frame("AAPL", "2020-01-01", "2020-02-01")
    multi = close_column(frame, "AAPL")
    flat = close_column(frame.droplevel("Ticker", axis=1), "AAPL")
    pd.testing.assert_series_equal(multi, flat)
    assert close_column(pd.DataFrame(), "AAPL").empty


def test_covered_request_makes_no_network_call(tmp_path):
    fake = FakeDownload()
    cache = YahooCache(tmp_path, download=fake)
    first = cache.get("AAPL", "2020-01-01", "2020-06-01")
    again = cache.get("AAPL", "2020-02-01", "2020-05-01")
    assert len(fake.calls) == 1
    pd.testing.assert_series_equal(again, first.loc["2020-02-01":"2020-04-30"], check_freq=False)
    cache.get("AAPL", "2019-06-01", "2020-06-01")  # not covered: widens the cached range
    assert len(fake.calls) == 2 and fake.calls[1][1:] == ("2019-06-01", "2020-06-01")
    cache.get("AAPL", "2020-01-01", "2020-06-01", refresh=True)
    assert len(fake.calls) == 3


def test_writes_are_atomic(tmp_path, monkeypatch):
    fake = FakeDownload()
    cache = YahooCache(tmp_path, download=fake)
    cache.get("MSFT", "2020-01-01", "2020-03-01")
    before = cache.path("MSFT").read_bytes()

    import pyarrow.parquet as pq

    def broken_write(table, where, **kw):
        with open(where, "wb") as fh:
            fh.write(b"PAR1 half")
        raise OSError("disk full")

    monkeypatch.setattr(pq, "write_table", broken_write)
    with pytest.raises(OSError):
        cache.get("MSFT", "2019-01-01", "2020-03-01")
    assert cache.path("MSFT").read_bytes() == before
    assert sorted(p.name for p in cache.root.iterdir()) == ["MSFT.parquet"]


def test_unreadable_cache_file_is_fetched_again(tmp_path, capsys):
    fake = FakeDownload()
    cache = YahooCache(tmp_path, download=fake)
    cache.root.mkdir(parents=True)
    cache.path("KO").write_bytes(b"garbage, not parquet")
    close = cache.get("KO", "2020-01-01", "2020-02-01")
    assert len(close) > 0 and len(fake.calls) == 1
    assert "unreadable" in capsys.readouterr().err
    assert cache.read("KO") is not None


def test_network_failure_without_cache_is_a_data_error(tmp_path):
    cache = YahooCache(tmp_path, download=FakeDownload(fail=True))
    with pytest.raises(DataError, match="could not download PEP .* no cached copy"):
        cache.get("PEP", "2020-01-01", "2020-02-01")


def test_network_failure_falls_back_to_partial_cache(tmp_path, capsys):
    YahooCache(tmp_path, download=FakeDownload()).get("PEP", "2020-01-01", "2020-02-01")
    cache = YahooCache(tmp_path, download=FakeDownload(fail=True))
    close = cache.get("PEP", "2019-12-01", "2020-02-01")
    assert close.index[0] >= pd.Timestamp("2020-01-01")
    assert "using the cached" in capsys.readouterr().err


def test_load_prices_through_yahoo_cache(tmp_path):
    cache = YahooCache(tmp_path, download=FakeDownload())
    prices = load_prices("yf:AAPL,MSFT", start="2020-01-01", end="2020-03-31", yahoo=cache)
    assert list(prices.columns) == ["AAPL", "MSFT"] and prices.index[-1] <= pd.Timestamp("2020-03-31")


def test_cli_fetch_failure_exits_2_with_one_line(tmp_path, monkeypatch, capsys):
    import kamfin.data.yahoo as yahoo

    monkeypatch.setattr(yahoo, "yfinance_download", FakeDownload(fail=True))
    code = main(["data", "fetch", "ZZZZ", "--cache-dir", str(tmp_path)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "could not download ZZZZ" in err[0]


def test_cli_fetch_fills_cache(tmp_path, monkeypatch, capsys):
    import kamfin.data.yahoo as yahoo

    fake = FakeDownload()
    monkeypatch.setattr(yahoo, "yfinance_download", fake)
    args = ["data", "fetch", "AAPL", "--start", "2021-01-01", "--end", "2021-02-01", "--cache-dir", str(tmp_path)]
    assert main(args) == 0
    assert (tmp_path / "yf" / "AAPL.parquet").exists() and len(fake.calls) == 1
