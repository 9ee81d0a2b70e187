"""Strategies: a decision rule from a point-in-time history to target weights."""
from __future__ import annotations

from kamfin.strategy.base import Strategy, equal_weights
from kamfin.strategy.baselines import EqualWeight, IndexHold, MeanVarianceStrategy, MinVarianceStrategy

__all__ = ["EqualWeight", "IndexHold", "MeanVarianceStrategy", "MinVarianceStrategy", "Strategy", "equal_weights"]
