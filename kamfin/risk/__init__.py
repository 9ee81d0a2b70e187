"""Expected returns and covariance handed to the optimizer (``Moments``)."""
from __future__ import annotations

from kamfin.risk.covariance import (
    Moments,
    factor_form,
    historical_moments,
    ledoit_wolf_cov,
    nearest_psd,
    trailing_returns,
)

__all__ = ["Moments", "factor_form", "historical_moments", "ledoit_wolf_cov", "nearest_psd", "trailing_returns"]
