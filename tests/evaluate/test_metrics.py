from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from kamfin.evaluate import METRICS, ann_return, ann_vol, calmar, max_drawdown, sharpe, sortino, summarize

R = np.array([0.01, -0.02, 0.03, 0.0, -0.01])


def test_hand_computed_values():
    mean, sd = R.mean(), R.std(ddof=1)  # 0.002, ~0.019235
    assert sharpe(R, 252) == pytest.approx(mean / sd * math.sqrt(252))
    assert ann_vol(R, 252) == pytest.approx(sd * math.sqrt(252))
    downside = math.sqrt((0.02**2 + 0.01**2) / 5)
    assert sortino(R, 252) == pytest.approx(mean / downside * math.sqrt(252))
    growth = 1.01 * 0.98 * 1.03 * 1.0 * 0.99
    assert ann_return(R, 252) == pytest.approx(growth ** (252 / 5) - 1)
    assert max_drawdown(R) == pytest.approx(0.98 - 1)  # peak 1.01, trough 1.01*0.98
    assert calmar(R, 252) == pytest.approx(ann_return(R, 252) / 0.02)


def test_drawdown_counts_a_loss_on_the_first_bar():
    assert max_drawdown([-0.1, 0.05]) == pytest.approx(-0.1)


def test_edge_cases_are_nan():
    assert math.isnan(sharpe([0.01], 252))
    assert math.isnan(sharpe([0.01, 0.01, 0.01], 252))  # zero dispersion
    assert math.isnan(sortino([0.01, 0.02], 252))  # no downside
    assert math.isnan(calmar([0.01, 0.02], 252))  # no drawdown


def test_risk_free_rate_is_per_year():
    assert sharpe(R, 252, risk_free=0.0252) == pytest.approx((R.mean() - 0.0001) / R.std(ddof=1) * math.sqrt(252))


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-0.05, 0.05), min_size=5, max_size=60), st.floats(0.1, 10))
def test_sharpe_is_invariant_to_scaling_returns(values, scale):
    r = np.array(values)
    if r.std(ddof=1) < 1e-6:
        return
    assert sharpe(r * scale, 252) == pytest.approx(sharpe(r, 252), rel=1e-9)


def test_registry_holds_callables_and_summary_uses_it():
    assert all(callable(f) for f in METRICS.values())
    out = summarize(pd.Series(R), 252)
    assert list(out) == list(METRICS) and out["sharpe"] == sharpe(R, 252)


def test_subperiod_sharpe_blocks_by_calendar_years():
    from kamfin.evaluate.robustness import subperiod_sharpe

    idx = pd.bdate_range("2000-01-03", "2011-12-30")
    r = pd.DataFrame({"a": np.random.default_rng(0).normal(0.0005, 0.01, len(idx))}, index=idx)
    table = subperiod_sharpe(r, 252, years=5)
    assert list(table.index) == ["2000-2004", "2005-2009", "2010-2011"]
    assert table.loc["2005-2009", "a"] == pytest.approx(sharpe(r.loc["2005":"2009", "a"], 252))


def test_breakeven_cost_interpolates_where_the_edge_vanishes():
    from kamfin.evaluate.robustness import breakeven_cost

    costs = [0, 5, 10, 25, 50]
    assert breakeven_cost(costs, [1.0, 0.9, 0.8, 0.5, 0.0], [0.6] * 5) == pytest.approx(10 + 15 * 0.2 / 0.3)
    assert math.isnan(breakeven_cost(costs, [0.5] * 5, [0.6] * 5))
    assert breakeven_cost(costs, [0.9] * 5, [0.6] * 5) == float("inf")
