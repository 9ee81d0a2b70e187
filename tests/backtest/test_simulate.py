"""The vectorbt simulation against hand-computed portfolios."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kamfin.backtest.simulate import orders_table, simulate
from kamfin.evaluate import sharpe

DATES = pd.bdate_range("2021-01-04", periods=6, name="date")
PRICES = pd.DataFrame({"a": [10, 10, 11, 12.1, 11, 11], "b": [20, 20, 20, 19, 19, 20]}, index=DATES, dtype=float)


def test_orders_trade_on_the_next_bar_and_last_decision_is_dropped():
    w = pd.DataFrame({"a": [0.5, 1.0], "b": [0.5, 0.0]}, index=[DATES[0], DATES[-1]])
    orders = orders_table(PRICES, w)
    assert orders.iloc[1].tolist() == [0.5, 0.5]
    assert orders.drop(index=DATES[1]).isna().all().all()


def test_buy_and_hold_returns_match_hand_computation():
    w = pd.DataFrame({"a": [0.5], "b": [0.5]}, index=[DATES[0]])
    sim = simulate(PRICES, w, fees_bps=0, slippage_bps=0, periods_per_year=252)
    # bought at the close of bar 1, held: value = 0.5 * a/a1 + 0.5 * b/b1
    value = 0.5 * PRICES["a"] / 10 + 0.5 * PRICES["b"] / 20
    expected = value.pct_change().iloc[1:]
    expected.iloc[0] = 0.0  # the execution bar itself
    np.testing.assert_allclose(sim.returns.to_numpy(), expected.to_numpy(), atol=1e-12)
    assert sim.returns.index[0] == DATES[1]


def test_rebalancing_and_fees():
    w = pd.DataFrame({"a": [1.0, 0.0], "b": [0.0, 1.0]}, index=[DATES[0], DATES[2]])
    free = simulate(PRICES, w, 0, 0, 252)
    # all in a from bar 1 to bar 3 (traded at close of bar 3), then all in b
    np.testing.assert_allclose(free.returns.iloc[1:3].to_numpy(), [0.1, 0.1], atol=1e-12)
    np.testing.assert_allclose(free.returns.iloc[3:].to_numpy(), [0.0, 20 / 19 - 1], atol=1e-12)
    assert free.turnover == pytest.approx(1.0)  # one full switch after the initial entry
    costly = simulate(PRICES, w, fees_bps=10, slippage_bps=0, periods_per_year=252)
    assert costly.returns.iloc[0] == pytest.approx(-0.001, rel=0.01)
    assert costly.fees_paid == pytest.approx(0.003, rel=0.02)  # entry, then sell and buy


def test_sharpe_matches_vectorbt(small_prices):
    dates = small_prices.index[::21]
    w = pd.DataFrame(1 / 6, index=dates, columns=small_prices.columns)
    sim = simulate(small_prices, w, 10, 5, 252)
    assert sharpe(sim.returns, 252) == pytest.approx(sim.vbt_sharpe, rel=1e-10)
