"""Prices from Yahoo Finance through yfinance, cached as Parquet under ``data_cache/``.

One file per ticker, ``data_cache/yf/TICKER.parquet``, holding adjusted closes and, in the
Parquet metadata, the date range the download covered. Rules:

- a request that a cached range covers makes no network call;
- writes are atomic (temporary file in the same folder, then ``os.replace``);
- an unreadable cache file is reported and fetched again;
- a failed download falls back to a cache that covers part of the range (with a warning),
  and raises ``DataError`` when there is no usable cache.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from kamfin.errors import DataError

DEFAULT_START = "2000-01-01"
META_KEY = b"kamfin"

# (ticker, start, end) -> the frame yfinance.download returns
Downloader = Callable[[str, str, str], pd.DataFrame]


def yfinance_download(ticker: str, start: str, end: str) -> pd.DataFrame:
    import yfinance as yf

    return yf.download(
        ticker, start=start, end=end, auto_adjust=True, progress=False, threads=False
    )


def close_column(frame: pd.DataFrame | None, ticker: str) -> pd.Series:
    """Adjusted closes from a yfinance frame (multi-level or flat columns); may be empty."""
    if frame is None or len(frame) == 0:
        return pd.Series(dtype="float64", name=ticker)
    if isinstance(frame.columns, pd.MultiIndex):
        level0 = frame.columns.get_level_values(0)
        close = frame.loc[:, level0 == "Close"]
        close = close.iloc[:, 0] if close.shape[1] else pd.Series(dtype="float64")
    else:
        close = frame["Close"] if "Close" in frame.columns else pd.Series(dtype="float64")
    close = pd.to_numeric(close, errors="coerce").dropna()
    index = pd.DatetimeIndex(close.index)
    if index.tz is not None:
        index = index.tz_localize(None)
    return pd.Series(close.to_numpy(dtype="float64"), index=index.normalize().rename("date"), name=ticker)


@dataclass(frozen=True)
class Cached:
    close: pd.Series
    start: pd.Timestamp  # first day the download asked for
    end: pd.Timestamp  # exclusive end the download asked for


class YahooCache:
    """Per-ticker Parquet cache in front of a downloader (yfinance by default)."""

    def __init__(self, root: str | Path = "data_cache", download: Downloader | None = None):
        self.root = Path(root) / "yf"
        self.download = download or yfinance_download

    def path(self, ticker: str) -> Path:
        return self.root / f"{ticker.upper()}.parquet"

    def read(self, ticker: str) -> Cached | None:
        path = self.path(ticker)
        if not path.exists():
            return None
        try:
            table = pq.read_table(path)
            meta = json.loads(table.schema.metadata[META_KEY])
            frame = table.to_pandas()
            close = frame["close"].astype("float64")
            close.index = pd.DatetimeIndex(close.index).rename("date")
            return Cached(close.rename(ticker), pd.Timestamp(meta["start"]), pd.Timestamp(meta["end"]))
        except Exception as exc:  # any unreadable file is fetched again
            print(f"kamfin: warning: cache file {path} is unreadable ({type(exc).__name__}); fetching it again", file=sys.stderr)
            return None

    def write(self, ticker: str, entry: Cached) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        frame = entry.close.rename("close").to_frame()
        table = pa.Table.from_pandas(frame)
        meta = dict(table.schema.metadata or {})
        meta[META_KEY] = json.dumps(
            {"start": f"{entry.start:%Y-%m-%d}", "end": f"{entry.end:%Y-%m-%d}", "source": "yfinance"}
        ).encode()
        table = table.replace_schema_metadata(meta)
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=f".{ticker}.", suffix=".tmp")
        os.close(fd)
        try:
            pq.write_table(table, tmp)
            os.replace(tmp, self.path(ticker))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get(self, ticker: str, start: str | None, end: str | None, refresh: bool = False) -> pd.Series:
        """Adjusted closes of one ticker on ``[start, end)``, from the cache when it covers them."""
        ticker = ticker.upper()
        t0 = pd.Timestamp(start or DEFAULT_START)
        t1 = pd.Timestamp(end) if end else pd.Timestamp(date.today())
        if t1 <= t0:
            raise DataError(f"--end {t1:%Y-%m-%d} is not after --start {t0:%Y-%m-%d}; swap or widen them")
        cached = self.read(ticker)
        if cached is not None and not refresh and cached.start <= t0 and cached.end >= t1:
            return cached.close.loc[t0 : t1 - pd.Timedelta(days=1)]
        lo, hi = (t0, t1) if cached is None else (min(t0, cached.start), max(t1, cached.end))
        try:
            fresh = close_column(self.download(ticker, f"{lo:%Y-%m-%d}", f"{hi:%Y-%m-%d}"), ticker)
        except Exception as exc:  # yfinance raises many kinds on network trouble
            fresh = pd.Series(dtype="float64")
            reason = f"{type(exc).__name__}: {exc}".splitlines()[0]
        else:
            reason = "no rows came back"
        if len(fresh) == 0:
            if cached is not None and len(cached.close.loc[t0:t1]):
                print(f"kamfin: warning: download of {ticker} failed ({reason}); using the cached "
                      f"{cached.start:%Y-%m-%d}..{cached.end:%Y-%m-%d}", file=sys.stderr)
                return cached.close.loc[t0 : t1 - pd.Timedelta(days=1)]
            raise DataError(
                f"could not download {ticker} from Yahoo Finance ({reason}) and no cached copy "
                f"exists in {self.root}; check the ticker and the network, or pass a CSV file with --prices"
            )
        self.write(ticker, Cached(fresh, lo, hi))
        return fresh.loc[t0 : t1 - pd.Timedelta(days=1)]

    def prices(self, tickers: list[str], start: str | None, end: str | None, refresh: bool = False) -> pd.DataFrame:
        """Raw table, one column per ticker, on the union of their dates."""
        cols = {t.upper(): self.get(t, start, end, refresh) for t in tickers}
        frame = pd.DataFrame(cols).sort_index()
        frame.index = pd.DatetimeIndex(frame.index).rename("date")
        return frame
