"""No look-ahead: prices cut at a month end T and the full prices give identical
decisions up to T, for every strategy, refits included. The test is shown to catch
leaks: a strategy that peeks at the future, and an engine whose view leaks one row."""
from __future__ import annotations

import pandas as pd
import pytest

from kamfin.backtest.engine import Schedule, walk_forward
from kamfin.config import RunConfig
from kamfin.data import MarketView
from kamfin.data.view import MarketView as ViewClass
from kamfin.strategy import Strategy
from kamfin.strategy.registry import build_strategy

T = pd.Timestamp("2016-06-30")


class Learner(Strategy):
    """Learns a per-asset mean at each refit and tilts towards it."""

    name = "learner"
    learns = True

    def fit(self, history):
        self.mean_ = history.pct_change().mean()
        return self

    def decide(self, history, holdings):
        score = (self.mean_ - self.mean_.min()) + 1e-4
        return score / score.sum()


class Peeker(Strategy):
    """Deliberately leaks: reads the price ``horizon`` bars after t from the table it was built with."""

    name = "peeker"

    def __init__(self, full, horizon: int = 5):
        self.full, self.horizon = full, horizon

    def decide(self, history, holdings):
        t = history.index[-1]
        pos = self.full.index.get_loc(t)
        future = self.full.iloc[min(pos + self.horizon, len(self.full) - 1)] / self.full.loc[t]
        w = (future == future.max()).astype(float)
        return w / w.sum()


def decisions(strategy_factory, prices, schedule):
    """``strategy_factory(prices)`` builds a fresh strategy for a run over ``prices``."""
    return walk_forward(strategy_factory(prices), MarketView(prices), schedule).weights


def assert_no_lookahead(strategy_factory, prices, schedule):
    cut = decisions(strategy_factory, prices.loc[:T], schedule)
    full = decisions(strategy_factory, prices, schedule)
    assert cut.index[-1] == T
    pd.testing.assert_frame_equal(cut, full.loc[:T], check_exact=True)


SCHED = Schedule(rebalance="M", warmup=252, refit_every=4)


@pytest.mark.parametrize("name", ["ew", "mv", "minvar"])
def test_baselines_see_no_future(small_prices, name):
    cfg = RunConfig(lookback=252, warmup=252)
    assert_no_lookahead(lambda p: build_strategy(name, cfg), small_prices, SCHED)


def test_learning_strategy_with_refits_sees_no_future(small_prices):
    assert_no_lookahead(lambda p: Learner(), small_prices, SCHED)


def test_changing_future_prices_leaves_past_decisions_unchanged(small_prices):
    shocked = small_prices.copy()
    shocked.loc[T + pd.Timedelta(days=1):] *= 3.0  # a huge move right after T
    cfg = RunConfig(lookback=252, warmup=252)
    a = decisions(lambda p: build_strategy("mv", cfg), small_prices, SCHED)
    b = decisions(lambda p: build_strategy("mv", cfg), shocked, SCHED)
    pd.testing.assert_frame_equal(a.loc[:T], b.loc[:T], check_exact=True)
    assert not a.loc[T:].iloc[1:].equals(b.loc[T:].iloc[1:])


def test_the_check_catches_a_peeking_strategy(small_prices):
    with pytest.raises(AssertionError):
        assert_no_lookahead(Peeker, small_prices, SCHED)


def test_the_check_catches_a_view_that_leaks_one_row(small_prices, monkeypatch):
    honest = ViewClass.serve

    def leaky(self, t):
        rows = honest(self, t)
        return self._prices.iloc[: len(rows) + 1]

    monkeypatch.setattr(ViewClass, "serve", leaky)
    cfg = RunConfig(lookback=252, warmup=252)
    with pytest.raises(AssertionError):
        assert_no_lookahead(lambda p: build_strategy("mv", cfg), small_prices, SCHED)
