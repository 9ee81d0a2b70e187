"""Market data: the embedded dataset, yfinance with a cache, and user files.

``load_prices(source)`` is the single entry point; it validates the table once
(``kamfin.data.validate``) so that the rest of the package can trust it.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pandas as pd

from kamfin.data.embedded import NAME as EMBEDDED, read_embedded_index, read_embedded_prices
from kamfin.data.files import is_price_file, read_price_file
from kamfin.data.validate import MAX_FFILL, check_dates, history_mask, validate_prices
from kamfin.data.view import MarketView
from kamfin.data.yahoo import YahooCache
from kamfin.errors import ConfigError

__all__ = [
    "MarketView",
    "PriceSource",
    "YahooCache",
    "fingerprint",
    "history_mask",
    "load_index",
    "load_prices",
    "parse_source",
]


@dataclass(frozen=True)
class PriceSource:
    kind: str  # "embedded" | "yf" | "file"
    value: str  # dataset name, comma-separated tickers, or a path

    def __str__(self) -> str:
        return {"embedded": self.value, "yf": f"yf:{self.value}", "file": self.value}[self.kind]


def parse_source(source: str) -> PriceSource:
    """``sp500`` | ``yf:AAPL,MSFT`` | a path to a .csv/.csv.gz/.parquet file."""
    text = str(source).strip()
    if text.lower() == EMBEDDED:
        return PriceSource("embedded", EMBEDDED)
    if text.lower().startswith("yf:"):
        tickers = [t.strip().upper() for t in text[3:].split(",") if t.strip()]
        if not tickers:
            raise ConfigError("--prices yf: needs tickers, e.g. --prices yf:AAPL,MSFT")
        return PriceSource("yf", ",".join(tickers))
    if is_price_file(text):
        return PriceSource("file", text)
    raise ConfigError(
        f"unknown price source {text!r}; use sp500, yf:TICKER,TICKER or a path to a .csv or .parquet file"
    )


def _slice(frame: pd.DataFrame | pd.Series, start: str | None, end: str | None):
    try:
        t0 = pd.Timestamp(start) if start else None
        t1 = pd.Timestamp(end) if end else None
    except ValueError as exc:
        raise ConfigError(f"bad date ({exc}); write --start/--end as YYYY-MM-DD") from None
    if t0 is not None and t1 is not None and t1 < t0:
        raise ConfigError(f"--end {end} is before --start {start}; swap them")
    return frame.loc[t0:t1]


def load_prices(
    source: str | PriceSource = EMBEDDED,
    start: str | None = None,
    end: str | None = None,
    *,
    cache_dir: str = "data_cache",
    max_ffill: int = MAX_FFILL,
    yahoo: YahooCache | None = None,
) -> pd.DataFrame:
    """Validated adjusted closes, ``(n_dates, n_assets)``, rows in ``[start, end]``.

    Raises ``DataError`` (bad data) or ``ConfigError`` (bad source or dates).
    """
    src = source if isinstance(source, PriceSource) else parse_source(source)
    if src.kind == "embedded":
        raw = read_embedded_prices()
    elif src.kind == "yf":
        cache = yahoo or YahooCache(cache_dir)
        end_excl = None if end is None else f"{pd.Timestamp(end) + pd.Timedelta(days=1):%Y-%m-%d}"
        raw = cache.prices(src.value.split(","), start, end_excl)
    else:
        raw = read_price_file(src.value)
    check_dates(raw.index, str(src))  # before slicing: .loc needs ordered, unique dates
    return validate_prices(_slice(raw, start, end), str(src), max_ffill=max_ffill)


def load_index(source: str | PriceSource, start: str | None = None, end: str | None = None) -> pd.Series | None:
    """The market index that comes with a source (the embedded S&P 500), else ``None``."""
    src = source if isinstance(source, PriceSource) else parse_source(source)
    if src.kind != "embedded":
        return None
    return _slice(read_embedded_index(), start, end)


def fingerprint(prices: pd.DataFrame) -> str:
    """SHA-256 of dates, tickers and values: the identity of the data a run used."""
    h = hashlib.sha256()
    h.update(",".join(map(str, prices.columns)).encode())
    h.update(pd.util.hash_pandas_object(prices, index=True).to_numpy().tobytes())
    return h.hexdigest()
