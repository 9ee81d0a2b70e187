from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kamfin.backtest.engine import Schedule, drift, walk_forward
from kamfin.data import MarketView
from kamfin.errors import OptimizationError
from kamfin.strategy import EqualWeight, Strategy
from tests.conftest import synthetic_prices


class FailsOn(Strategy):
    """1/N except on chosen dates, where the optimizer 'fails'."""

    name = "flaky"

    def __init__(self, bad_dates):
        self.bad = set(bad_dates)

    def decide(self, history, holdings):
        if history.index[-1] in self.bad:
            raise OptimizationError("solver CLARABEL returned status infeasible")
        w = pd.Series(0.0, index=history.columns)
        w.iloc[len(history) % len(w)] = 1.0  # changes every date, so a kept row is visible
        return w


class Recorder(Strategy):
    """A learner that records what it was trained on."""

    name = "recorder"
    learns = True

    def __init__(self):
        self.trained_on = []

    def fit(self, history):
        self.trained_on.append((history.index[0], history.index[-1], len(history)))
        return self

    def decide(self, history, holdings):
        return pd.Series(1 / history.shape[1], index=history.columns)


def test_fallback_keeps_previous_weights_and_is_recorded():
    view = MarketView(synthetic_prices(400))
    dates = Schedule(warmup=100).decision_dates(view.dates)
    wf = walk_forward(FailsOn({dates[0], dates[3]}), view, Schedule(warmup=100))
    assert [e.date for e in wf.events] == [dates[0], dates[3]]
    assert "kept 1/N" in wf.events[0].message and "kept previous weights" in wf.events[1].message
    np.testing.assert_allclose(wf.weights.iloc[0].to_numpy(), 0.25)
    pd.testing.assert_series_equal(wf.weights.iloc[3], wf.weights.iloc[2], check_names=False)


@pytest.mark.parametrize("window", ["expanding", "rolling"])
def test_refit_cadence_and_training_window(window):
    prices = synthetic_prices(600)
    sched = Schedule(warmup=100, refit_every=3, window=window, train_bars=150)
    strat = Recorder()
    wf = walk_forward(strat, MarketView(prices), sched)
    dates = wf.weights.index
    assert list(wf.fit_dates) == list(dates[::3])
    for (first, last, n), t in zip(strat.trained_on, wf.fit_dates):
        assert last == t  # trained on rows <= t, ending at t
        if window == "expanding":
            assert first == prices.index[0]
        else:
            assert n == min(150, len(prices.loc[:t]))


def test_drift_moves_weights_with_prices():
    hist = pd.DataFrame({"a": [1.0, 2.0], "b": [1.0, 1.0]}, index=pd.bdate_range("2021-01-04", periods=2))
    w = drift(pd.Series({"a": 0.5, "b": 0.5}), hist, hist.index[0])
    assert w["a"] == pytest.approx(2 / 3)


def test_decisions_start_after_warmup_and_respect_start():
    prices = synthetic_prices(400)
    wf = walk_forward(EqualWeight(), MarketView(prices), Schedule(warmup=200))
    assert wf.weights.index[0] >= prices.index[200]  # 200 bars before the first decision
    later = Schedule(warmup=200, start=pd.Timestamp("2021-01-01")).decision_dates(prices.index)
    assert later[0] >= pd.Timestamp("2021-01-01")
