"""Portfolio policies: pure ``weights(moments, previous) -> pd.Series``, compiled once."""
from __future__ import annotations

from kamfin.optimize.mean_variance import Bounds, MeanVariance, MinVariance

__all__ = ["Bounds", "MeanVariance", "MinVariance"]
