"""The null market, and proof that the audit flags a strategy that peeks."""
from __future__ import annotations

import numpy as np
import pandas as pd

from kamfin.backtest.engine import Schedule, walk_forward
from kamfin.backtest.simulate import simulate
from kamfin.config import RunConfig
from kamfin.data import MarketView
from kamfin.data.synthetic import null_market
from kamfin.evaluate.sharpe_tests import compare
from kamfin.runner import null_market_suspects
from kamfin.strategy.registry import build_strategy
from tests.backtest.test_lookahead import Peeker


def test_null_market_keeps_shape_covariance_and_missing_starts(small_prices):
    prices = small_prices.copy()
    prices.iloc[:300, 2] = np.nan
    syn = null_market(prices, seed=1)
    assert syn.shape == prices.shape and syn.index.equals(prices.index)
    assert syn.isna().equals(prices.isna())
    real = prices.pct_change().dropna().cov().to_numpy()
    fake = syn.pct_change().dropna().cov().to_numpy()
    np.testing.assert_allclose(np.diag(fake), np.diag(real), rtol=0.15)
    pd.testing.assert_frame_equal(syn, null_market(prices, seed=1))
    assert not syn.equals(null_market(prices, seed=2))


def test_the_audit_flags_a_peeking_strategy_and_not_an_honest_one(small_prices):
    syn = null_market(small_prices, seed=0)
    sched = Schedule(warmup=252)
    cfg = RunConfig(lookback=252, warmup=252)

    def returns(strategy):
        w = walk_forward(strategy, MarketView(syn), sched).weights
        return simulate(syn, w, 10, 5, 252).returns

    base = returns(build_strategy("minvar", cfg))
    comparisons = [
        compare(returns(Peeker(syn, horizon=21)), base, "peeker", "minvar", 252, n_boot=199).to_dict(),
        compare(returns(build_strategy("mv", cfg)), base, "mv", "minvar", 252, n_boot=199).to_dict(),
    ]
    assert null_market_suspects(comparisons) == ["peeker"]
