"""Oracle tests of the Sharpe statistics: closed forms, hand-computed cases, and the size
and power of the tests on simulated returns whose true Sharpe ratios are known."""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import norm

from kamfin.evaluate.sharpe_tests import (
    compare,
    deflated_sharpe,
    expected_max_sharpe,
    jkm_z,
    jobson_korkie_memmel,
    ledoit_wolf_bootstrap,
    ledoit_wolf_hac,
    min_track_record,
    probabilistic_sharpe,
)


def pair(rng, T, extra_mean=0.0, rho=0.8):
    z = rng.multivariate_normal([0, 0], [[1, rho], [rho, 1]], size=T)
    return 0.0005 + extra_mean + 0.01 * z[:, 0], 0.0005 + 0.01 * z[:, 1]


def test_jkm_worked_example_from_the_references():
    # annual Sharpe 1.00 vs 1.23, 10 years of monthly returns, correlation 0.8: z ~ 1.1, p ~ 0.27
    z = jkm_z(1.23 / math.sqrt(12), 1.00 / math.sqrt(12), 0.8, 120)
    assert z == pytest.approx(1.098, abs=0.002)
    assert 2 * norm.sf(z) == pytest.approx(0.272, abs=0.002)


def test_jkm_tiny_hand_computed_case():
    a = np.array([0.02, -0.01, 0.03, 0.00])
    b = np.array([0.01, 0.00, 0.02, -0.01])
    # by hand: means 0.01 and 0.005; sample sds sqrt(1e-3/3) = 0.018257 and sqrt(5e-4/3) = 0.012910;
    # deviation products sum to 6e-4, covariance 2e-4, rho = 2e-4 / (0.018257 x 0.012910) = 0.848528
    sr_a, sr_b = 0.01 / 0.0182574, 0.005 / 0.0129099
    rho = 0.848528
    theta = (2 - 2 * rho + 0.5 * (sr_a**2 + sr_b**2 - 2 * sr_a * sr_b * rho**2)) / 4
    z, p = jobson_korkie_memmel(a, b)
    assert z == pytest.approx((sr_a - sr_b) / math.sqrt(theta), rel=1e-4)
    assert p == pytest.approx(2 * norm.sf(abs(z)))


def test_hac_delta_matches_the_sample_sharpe_difference():
    rng = np.random.default_rng(1)
    a, b = pair(rng, 500, 0.0003)
    delta, se, _ = ledoit_wolf_hac(a, b)
    sr = lambda x: x.mean() / x.std(ddof=0)  # the delta method's Sharpe uses E[r^2] - mu^2
    assert delta == pytest.approx(sr(a) - sr(b), rel=1e-12)
    assert 0 < se < 0.1


def test_hac_test_size_is_near_five_percent():
    # 400 simulations of equal true Sharpe ratios, T = 1000, correlation 0.8:
    # the binomial standard error of a 5% rate is 1.1 points; allow about +-3 of them
    rng = np.random.default_rng(2)
    rejections = np.mean([ledoit_wolf_hac(*pair(rng, 1000))[2] < 0.05 for _ in range(400)])
    assert 0.02 <= rejections <= 0.085


def test_bootstrap_test_size_is_near_five_percent():
    # 150 simulations, T = 500, 199 resamples each: standard error 1.8 points, tolerance +-3
    rng = np.random.default_rng(3)
    p = [ledoit_wolf_bootstrap(*pair(rng, 500), n_boot=199, seed=i)[2] for i in range(150)]
    assert 0.0 < np.mean(np.array(p) < 0.05) <= 0.105


def test_power_grows_with_the_sample_length():
    rng = np.random.default_rng(4)
    extra = 0.0004  # about +0.6 of annual Sharpe
    power = {T: np.mean([ledoit_wolf_hac(*pair(rng, T, extra))[2] < 0.05 for _ in range(150)]) for T in (250, 2000)}
    assert power[2000] > power[250] + 0.3 and power[2000] > 0.6


def test_bootstrap_interval_covers_and_excludes_as_it_should():
    rng = np.random.default_rng(5)
    a, b = pair(rng, 3000, 0.0008)
    delta, se, p, lo, hi, block = ledoit_wolf_bootstrap(a, b, n_boot=499)
    assert lo < delta < hi and lo > 0 and p < 0.01 and block >= 1
    c = compare(a, b, "x", "y", periods_per_year=252, n_boot=199)
    assert c.diff == pytest.approx(delta * math.sqrt(252)) and c.significant


def test_psr_closed_form_for_normal_returns():
    rng = np.random.default_rng(6)
    r = rng.normal(0.0005, 0.01, 2000)
    sr = r.mean() / r.std(ddof=1)
    from scipy.stats import kurtosis, skew

    g3, g4 = skew(r), kurtosis(r, fisher=False)
    expected = norm.cdf(sr * math.sqrt(len(r) - 1) / math.sqrt(1 - g3 * sr + (g4 - 1) / 4 * sr**2))
    assert probabilistic_sharpe(r) == pytest.approx(expected)
    assert probabilistic_sharpe(r[:200]) < probabilistic_sharpe(r)  # less evidence


def test_expected_max_sharpe_matches_simulated_maxima():
    rng = np.random.default_rng(7)
    N, sd = 50, 0.02
    simulated = np.mean([rng.normal(0, sd, N).max() for _ in range(4000)])
    trials = rng.normal(0, sd, 200_000)[:N]  # any sample with that spread
    trials = (trials - trials.mean()) / trials.std(ddof=1) * sd
    assert expected_max_sharpe(trials) == pytest.approx(simulated, rel=0.05)
    assert expected_max_sharpe([0.01]) == 0.0


def test_deflation_lowers_the_probability_as_trials_grow():
    rng = np.random.default_rng(8)
    r = rng.normal(0.0006, 0.01, 2500)
    few = deflated_sharpe(r, rng.normal(0, 0.02, 3))
    many = deflated_sharpe(r, rng.normal(0, 0.02, 300))
    assert many < few <= probabilistic_sharpe(r) + 1e-12
    assert deflated_sharpe(r, [0.03]) == pytest.approx(probabilistic_sharpe(r))


def test_min_track_record_is_where_psr_reaches_the_confidence_level():
    rng = np.random.default_rng(9)
    r = rng.normal(0.001, 0.01, 3000)
    n = min_track_record(r, alpha=0.05)
    from scipy.stats import kurtosis, skew

    sr, g3, g4 = r.mean() / r.std(ddof=1), skew(r), kurtosis(r, fisher=False)
    psr_at_n = norm.cdf(sr * math.sqrt(n - 1) / math.sqrt(1 - g3 * sr + (g4 - 1) / 4 * sr**2))
    assert psr_at_n == pytest.approx(0.95, abs=1e-9)
    assert min_track_record(-r) == float("inf")


def test_identical_series_have_no_difference():
    r = np.random.default_rng(10).normal(0.0005, 0.01, 500)
    assert jobson_korkie_memmel(r, r) == (0.0, 1.0)
    assert ledoit_wolf_hac(r, r) == (0.0, 0.0, 1.0)
    c = compare(r, r.copy(), "mv", "ew", periods_per_year=252, n_boot=99)
    assert (c.diff, c.ci_low, c.ci_high, c.p_value, c.significant) == (0.0, 0.0, 0.0, 1.0, False)
