"""User price files: CSV or Parquet, first column dates, one column per ticker."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from kamfin.data.validate import parse_dates
from kamfin.errors import DataError

SUFFIXES = (".csv", ".csv.gz", ".parquet", ".pq")


def is_price_file(source: str) -> bool:
    return source.lower().endswith(SUFFIXES)


def read_price_file(path: str | Path) -> pd.DataFrame:
    """Read a raw price table (dates parsed, values not yet validated)."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"price file {path} does not exist; check the path given to --prices")
    try:
        if path.name.lower().endswith((".parquet", ".pq")):
            raw = pd.read_parquet(path)
            if not isinstance(raw.index, pd.DatetimeIndex):
                raw = raw.reset_index(drop=isinstance(raw.index, pd.RangeIndex))
                raw = raw.set_index(raw.columns[0])
        else:
            raw = pd.read_csv(path, index_col=0)
    except (ValueError, OSError, ImportError) as exc:
        raise DataError(f"cannot read {path}: {exc}; pass a CSV or Parquet file of prices") from None
    if raw.shape[1] == 0:
        raise DataError(f"{path} has no price columns; add one column per ticker after the date column")
    raw.index = parse_dates(raw.index.to_series(), str(path))
    return raw
