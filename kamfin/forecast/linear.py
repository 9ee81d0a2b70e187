"""Linear baseline: ridge regression on the flattened feature window (scikit-learn)."""
from __future__ import annotations

import numpy as np
from sklearn.linear_model import Ridge

from kamfin.features import FeatureSpec, Samples
from kamfin.forecast.base import WindowForecaster


class RidgeForecaster(WindowForecaster):
    def __init__(self, alpha: float = 10.0, spec: FeatureSpec = FeatureSpec(), val_fraction: float = 0.2):
        super().__init__(spec, val_fraction)
        self.alpha = alpha

    def _fit(self, train: Samples, val: Samples) -> None:
        self.model_ = Ridge(alpha=self.alpha).fit(train.X.reshape(len(train), -1), train.y)

    def _scores(self, X: np.ndarray) -> np.ndarray:
        return self.model_.predict(X.reshape(len(X), -1))
