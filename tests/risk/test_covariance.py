from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.covariance import ledoit_wolf

from kamfin.risk import factor_form, historical_moments, ledoit_wolf_cov, nearest_psd, trailing_returns
from tests.conftest import synthetic_prices


def random_psd(n, rng, rank=None):
    A = rng.normal(size=(n, rank or n))
    return A @ A.T / n + np.diag(rng.uniform(0.01, 0.1, n))


def test_ledoit_wolf_matches_sklearn_annualised():
    rets = synthetic_prices(200, 5).pct_change().dropna()
    ours = ledoit_wolf_cov(rets, 252)
    ref, _ = ledoit_wolf(rets.to_numpy())
    np.testing.assert_allclose(ours.to_numpy(), ref * 252, rtol=1e-12)


def test_nearest_psd_repairs_negative_eigenvalues():
    bad = np.array([[1.0, 2.0], [2.0, 1.0]])  # eigenvalues 3 and -1
    fixed = nearest_psd(bad)
    assert np.linalg.eigvalsh(fixed).min() >= 0
    good = random_psd(4, np.random.default_rng(1))
    np.testing.assert_array_equal(nearest_psd(good), (good + good.T) / 2)


def test_factor_form_exact_when_k_covers_n_and_keeps_diagonal_otherwise():
    rng = np.random.default_rng(2)
    cov = random_psd(8, rng)
    F, d = factor_form(cov, 8)
    np.testing.assert_allclose(F @ F.T + np.diag(d), cov, atol=1e-12)
    F, d = factor_form(cov, 3)
    assert F.shape == (8, 3)
    np.testing.assert_allclose(np.diag(F @ F.T) + d, np.diag(cov), atol=1e-12)


def test_trailing_window_keeps_only_assets_with_full_history():
    prices = synthetic_prices(300, 3)
    prices.iloc[:250, 2] = np.nan
    rets = trailing_returns(prices, 100)
    assert list(rets.columns) == ["A0", "A1"] and len(rets) == 100
    m = historical_moments(prices, 100, 252)
    assert m.asof == prices.index[-1] and list(m.mu.index) == ["A0", "A1"]
    assert historical_moments(prices.iloc[:50], 100, 252) is None
