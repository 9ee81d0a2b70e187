"""Validation of price tables, once, at the boundary.

Every rule raises a ``DataError`` whose message names the ticker and the date and says how
to fix the problem. After validation, the rest of kamfin trusts the table:

- dates parse, are unique and ascending;
- prices are numeric and strictly positive;
- no column is entirely missing;
- a gap inside a series is forward-filled for at most ``max_ffill`` bars (a holiday or a
  halted day); a longer gap, or a series that ends before the table does, is an error;
- a series that starts later than the table keeps its leading NaNs: strategies leave such
  an asset out until it has enough history (``history_mask``); nothing fills it backwards.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from kamfin.errors import DataError

MAX_FFILL = 5  # bars forward-filled inside a series before a gap counts as an error


def parse_dates(raw: pd.Series | pd.Index, where: str) -> pd.DatetimeIndex:
    """Parse the date column of a file; unparsable entries are an error naming the row."""
    values = pd.Series(raw, copy=False)
    dates = pd.to_datetime(values, errors="coerce", format="mixed")
    bad = dates.isna()
    if bad.any():
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(
            f"unparsable date {values.iloc[pos]!r} in row {pos + 1} of {where}; "
            "write dates as YYYY-MM-DD or remove the row"
        )
    index = pd.DatetimeIndex(dates)
    if index.tz is not None:
        index = index.tz_localize(None)
    return index.rename("date")


def check_dates(dates: pd.Index, where: str) -> pd.DatetimeIndex:
    """Dates must be unique and ascending; the error names the first offending date."""
    index = pd.DatetimeIndex(dates)
    dup = index.duplicated()
    if dup.any():
        day = index[np.flatnonzero(dup)[0]]
        raise DataError(f"date {day:%Y-%m-%d} appears more than once in {where}; keep one row per date")
    order = np.diff(index.asi8)
    if (order < 0).any():
        pos = int(np.flatnonzero(order < 0)[0])
        raise DataError(
            f"dates in {where} are not ascending: {index[pos + 1]:%Y-%m-%d} comes after "
            f"{index[pos]:%Y-%m-%d}; sort the file by date"
        )
    return index


def validate_prices(
    prices: pd.DataFrame, where: str, max_ffill: int = MAX_FFILL
) -> pd.DataFrame:
    """Check a raw ``(n_dates, n_assets)`` price table and return a clean float64 copy.

    ``where`` names the source in messages (a file path, ``sp500``, ``yf:...``).
    """
    if prices.shape[1] == 0:
        raise DataError(f"{where} has no price columns; add one column per ticker after the date column")
    if len(prices) < 2:
        raise DataError(f"{where} has fewer than 2 dates in the requested range; widen --start/--end")
    index = check_dates(prices.index, where)
    columns = [str(c) for c in prices.columns]
    if len(set(columns)) != len(columns):
        raise DataError(f"{where} has duplicated ticker columns; keep one column per ticker")

    clean = {}
    for name, col in zip(columns, prices.columns):
        clean[name] = _validate_series(prices[col], name, index, where, max_ffill)
    out = pd.DataFrame(clean, index=index.rename("date"))
    return out


def _validate_series(
    raw: pd.Series, ticker: str, index: pd.DatetimeIndex, where: str, max_ffill: int
) -> np.ndarray:
    values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype="float64", na_value=np.nan, copy=True)
    text_bad = np.isnan(values) & raw.notna().to_numpy()
    if text_bad.any():
        pos = int(np.flatnonzero(text_bad)[0])
        raise DataError(
            f"price for {ticker} on {index[pos]:%Y-%m-%d} is not a number ({raw.iloc[pos]!r}) "
            f"in {where}; fix the value or leave the cell empty"
        )
    present = ~np.isnan(values)
    if not present.any():
        raise DataError(f"column {ticker} in {where} has no prices; drop the column")
    nonpos = present & (values <= 0)
    if nonpos.any():
        pos = int(np.flatnonzero(nonpos)[0])
        raise DataError(
            f"prices for {ticker} are non-positive on {index[pos]:%Y-%m-%d} in {where}; "
            "drop the ticker or pass --start after that date"
        )
    first = int(np.argmax(present))
    last = len(values) - 1 - int(np.argmax(present[::-1]))
    if last < len(values) - 1:
        raise DataError(
            f"prices for {ticker} end on {index[last]:%Y-%m-%d}, before the last date "
            f"{index[-1]:%Y-%m-%d} of {where}; drop the ticker or pass --end {index[last]:%Y-%m-%d}"
        )
    inner = values[first:]
    missing = np.isnan(inner)
    if missing.any():
        run_start, run_len = _longest_run(missing)
        if run_len > max_ffill:
            d0 = index[first + run_start]
            d1 = index[first + run_start + run_len - 1]
            raise DataError(
                f"prices for {ticker} are missing for {run_len} bars from {d0:%Y-%m-%d} to "
                f"{d1:%Y-%m-%d} in {where} (at most {max_ffill} are filled forward); fill the "
                "gap, drop the ticker, or pass --start after it"
            )
        values[first:] = pd.Series(inner).ffill().to_numpy()
    return values


def _longest_run(mask: np.ndarray) -> tuple[int, int]:
    """Start and length of the longest run of True in a boolean vector."""
    best_start, best_len, start = 0, 0, None
    for i, flag in enumerate(np.append(mask, False)):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            if i - start > best_len:
                best_start, best_len = start, i - start
            start = None
    return best_start, best_len


def history_mask(prices: pd.DataFrame, min_history: int) -> pd.Series:
    """Assets with at least ``min_history`` prices in ``prices`` (a point-in-time slice)."""
    return prices.notna().sum() >= min_history
