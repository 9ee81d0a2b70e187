"""Forecasters with the scikit-learn contract: ``fit(prices) -> self``,
``predict(prices) -> pd.Series`` of expected next-period simple returns per ticker."""
from __future__ import annotations

from kamfin.forecast.base import WindowForecaster, calibrate, rank_ic
from kamfin.forecast.linear import RidgeForecaster
from kamfin.forecast.neural import NeuralForecaster
from kamfin.forecast.training import TrainConfig

__all__ = ["NeuralForecaster", "RidgeForecaster", "TrainConfig", "WindowForecaster", "calibrate", "rank_ic"]
