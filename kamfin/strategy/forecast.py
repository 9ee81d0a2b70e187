"""Forecast-driven strategies: a forecaster's expected returns, a Ledoit-Wolf covariance,
and the same compiled mean-variance policy as ``mv``.

At each refit (the engine decides when) a fresh forecaster is built and fitted on the
training window; at each decision it predicts next-period returns from rows <= t. The
forecast horizon equals the rebalance period, and the calibrated forecasts (expected
returns over the horizon) are annualised before they reach the optimizer.
"""
from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from kamfin.errors import OptimizationError
from kamfin.forecast.base import WindowForecaster
from kamfin.optimize import Bounds, MeanVariance
from kamfin.risk import Moments, historical_moments
from kamfin.strategy.base import Strategy


class ForecastStrategy(Strategy):
    learns = True

    def __init__(
        self,
        make_forecaster: Callable[[], WindowForecaster],
        name: str = "forecast",
        lookback: int = 504,
        gamma: float = 5.0,
        kappa: float = 0.0,
        bounds: Bounds = Bounds(),
        periods_per_year: int = 252,
        stochastic: bool = True,
    ):
        self.make_forecaster, self.name, self.stochastic = make_forecaster, name, stochastic
        self.lookback, self.gamma, self.kappa = lookback, gamma, kappa
        self.bounds, self.periods_per_year = bounds, periods_per_year
        self.policy_ = None
        self.fit_log_: list[dict] = []
        self.scores_: dict[pd.Timestamp, pd.Series] = {}  # raw model scores per decision date
        self.forecasts_: dict[pd.Timestamp, pd.Series] = {}  # calibrated next-period returns

    def fit(self, history: pd.DataFrame) -> "ForecastStrategy":
        self.forecaster_ = self.make_forecaster().fit(history)
        f = self.forecaster_
        self.fit_log_.append({"date": f"{history.index[-1]:%Y-%m-%d}", "val_ic": f.ic_, "n_train": f.n_train_})
        return self

    def decide(self, history: pd.DataFrame, holdings: pd.Series | None) -> pd.Series:
        if not hasattr(self, "forecaster_"):
            raise RuntimeError(f"strategy {self.name} decided before it was fitted")
        if self.policy_ is None:
            self.policy_ = MeanVariance(list(history.columns), gamma=self.gamma, kappa=self.kappa, bounds=self.bounds)
        moments = historical_moments(history, self.lookback, self.periods_per_year)
        if moments is None:
            raise OptimizationError(f"fewer than 2 assets have {self.lookback} bars of history")
        horizon = self.forecaster_.spec.horizon
        t = history.index[-1]
        scores, forecast = self.forecaster_.forecast(history)  # one pass over the features
        self.scores_[t], self.forecasts_[t] = scores, forecast
        mu = forecast.reindex(moments.mu.index).fillna(0.0) * (self.periods_per_year / horizon)
        return self.policy_.weights(Moments(mu, moments.cov, moments.asof), holdings)
