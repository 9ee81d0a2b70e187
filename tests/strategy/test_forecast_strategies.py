"""Forecast strategies: built from the registry, matched, free of look-ahead, usable as signals."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kamfin.backtest.engine import Schedule, walk_forward
from kamfin.config import RunConfig
from kamfin.data import MarketView
from kamfin.strategy.registry import build_strategy, feature_spec, train_config

CFG = RunConfig(lookback=126, warmup=252, epochs=1, refit_every=6, seed=0)
SCHED = Schedule(rebalance="M", warmup=252, refit_every=6)
T = pd.Timestamp("2016-06-30")


@pytest.fixture(scope="module")
def prices(small_prices):
    return small_prices.loc[:"2017-06-30"]


@pytest.mark.parametrize("name", ["kamnn", "lstm", "transformer", "linear"])
def test_forecast_strategies_see_no_future_refits_included(prices, name):
    cut = walk_forward(build_strategy(name, CFG), MarketView(prices.loc[:T]), SCHED)
    full = walk_forward(build_strategy(name, CFG), MarketView(prices), SCHED)
    assert cut.weights.index[-1] == T and len(cut.fit_dates) >= 2  # refits happened before T
    pd.testing.assert_frame_equal(cut.weights, full.weights.loc[:T], check_exact=True)


def test_neural_strategies_are_matched():
    built = {n: build_strategy(n, CFG) for n in ("kamnn", "lstm", "transformer")}
    made = {n: s.make_forecaster() for n, s in built.items()}
    assert len({(f.spec, f.train, f.seed, f.val_fraction) for f in made.values()}) == 1
    assert len({(s.lookback, s.gamma, s.kappa, s.bounds) for s in built.values()}) == 1
    assert made["kamnn"].spec == feature_spec(CFG) and made["kamnn"].train == train_config(CFG)
    assert feature_spec(RunConfig(rebalance="W")).horizon == 5


def test_forecast_strategy_weights_go_into_vectorbt(prices):
    import vectorbt as vbt

    strategy = build_strategy("kamnn", CFG)
    w = strategy.weights(prices, rebalance="M", warmup=252)
    np.testing.assert_allclose(w.sum(axis=1), 1.0, atol=1e-9)
    pf = vbt.Portfolio.from_orders(
        prices, size=w.reindex(prices.index).shift(1), size_type="targetpercent",
        group_by=True, cash_sharing=True, call_seq="auto", freq="1D",
    )
    assert np.isfinite(pf.returns()).all() and len(pf.orders.records) > 0
    assert strategy.fit_log_ and {"date", "val_ic", "n_train"} <= set(strategy.fit_log_[0])
