"""Oracle tests of the compiled policies, and property tests of their constraints."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st
from scipy.optimize import minimize

from kamfin.errors import OptimizationError
from kamfin.optimize import Bounds, MeanVariance, MinVariance
from kamfin.risk import Moments


def random_moments(n, seed):
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(n, n)) * 0.2
    cov = A @ A.T / n + np.diag(rng.uniform(0.01, 0.05, n))
    names = [f"A{i}" for i in range(n)]
    mu = pd.Series(rng.normal(0.05, 0.1, n), index=names)
    return Moments(mu, pd.DataFrame(cov, index=names, columns=names), pd.Timestamp("2020-01-31"))


def test_problem_is_dpp_and_compiled_once():
    policy = MeanVariance([f"A{i}" for i in range(5)])
    assert policy._problem.is_dpp()
    m = random_moments(5, 0)
    problem = policy._problem
    policy.weights(m)
    policy.weights(random_moments(5, 1))
    assert policy._problem is problem


def test_unconstrained_case_matches_closed_form():
    n, gamma = 6, 4.0
    m = random_moments(n, 3)
    loose = Bounds(cap=1e3, long_only=False, leverage=1e4)
    w = MeanVariance(list(m.mu.index), gamma=gamma, bounds=loose).weights(m)
    S_inv = np.linalg.inv(m.cov.to_numpy())
    one, mu = np.ones(n), m.mu.to_numpy()
    lam = (one @ S_inv @ mu - gamma) / (one @ S_inv @ one)
    closed = S_inv @ (mu - lam * one) / gamma
    np.testing.assert_allclose(w.to_numpy(), closed, atol=1e-6)


def test_long_only_min_variance_matches_independent_solution():
    n, cap = 8, 0.3
    m = random_moments(n, 4)
    cov = m.cov.to_numpy()
    w = MinVariance(list(m.mu.index), bounds=Bounds(cap=cap)).weights(m).to_numpy()
    ref = minimize(
        lambda x: x @ cov @ x, np.full(n, 1 / n), jac=lambda x: 2 * cov @ x, method="SLSQP",
        bounds=[(0, cap)] * n, constraints=[{"type": "eq", "fun": lambda x: x.sum() - 1}],
        options={"ftol": 1e-15, "maxiter": 1000},
    ).x
    np.testing.assert_allclose(w, ref, atol=1e-5)
    assert w @ cov @ w <= ref @ cov @ ref + 1e-10


def test_turnover_penalty_keeps_previous_weights():
    m = random_moments(5, 5)
    prev = pd.Series([0.2] * 5, index=m.mu.index)
    w = MeanVariance(list(m.mu.index), kappa=100.0).weights(m, prev)
    np.testing.assert_allclose(w.to_numpy(), prev.to_numpy(), atol=1e-6)
    free = MeanVariance(list(m.mu.index), kappa=0.0).weights(m, prev)
    assert np.abs(free - prev).sum() > 0.1


def test_assets_without_moments_get_zero_weight():
    m = random_moments(4, 6)
    policy = MeanVariance(["A0", "A1", "A2", "A3", "LATE"], bounds=Bounds(cap=0.5))
    w = policy.weights(m)
    assert w["LATE"] == 0.0 and w.sum() == pytest.approx(1.0)


def test_infeasible_caps_raise_optimization_error():
    m = random_moments(3, 7)
    with pytest.raises(OptimizationError, match="infeasible: 3 assets with history x cap 0.2 < 1"):
        MeanVariance(list(m.mu.index), bounds=Bounds(cap=0.2)).weights(m)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(2, 8), seed=st.integers(0, 10_000), cap_slack=st.floats(0.0, 1.0), gamma=st.floats(0.5, 20))
def test_long_only_weights_sum_to_one_and_respect_caps(n, seed, cap_slack, gamma):
    cap = 1 / n + cap_slack * (1 - 1 / n)
    m = random_moments(n, seed)
    w = MeanVariance(list(m.mu.index), gamma=gamma, bounds=Bounds(cap=cap)).weights(m)
    assert w.sum() == pytest.approx(1.0, abs=1e-9)
    assert (w >= 0).all() and (w <= cap + 1e-7).all()


@settings(max_examples=30, deadline=None)
@given(n=st.integers(3, 8), seed=st.integers(0, 10_000), leverage=st.floats(1.0, 3.0))
def test_long_short_weights_respect_leverage_and_caps(n, seed, leverage):
    cap = 0.6
    m = random_moments(n, seed)
    w = MeanVariance(list(m.mu.index), gamma=1.0, bounds=Bounds(cap=cap, long_only=False, leverage=leverage)).weights(m)
    assert w.sum() == pytest.approx(1.0, abs=1e-9)
    assert (w.abs() <= cap + 1e-6).all()
    assert w.abs().sum() <= leverage + 1e-5
