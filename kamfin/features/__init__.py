"""Features and labels for cross-sectional return forecasting (``windows``)."""
from __future__ import annotations

from kamfin.features.windows import FeatureSpec, Samples, bar_features, build_samples, latest_window

__all__ = ["FeatureSpec", "Samples", "bar_features", "build_samples", "latest_window"]
