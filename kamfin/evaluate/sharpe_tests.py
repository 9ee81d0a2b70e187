"""Is a Sharpe ratio, or a difference of two, real? Tests on per-bar simple returns.

Per-bar Sharpe SR = mean / std; T bars; skewness g3; kurtosis g4 (not excess).

- ``jobson_korkie_memmel``: z = (SR_a - SR_b) / sqrt(theta),
  theta = (1/T) [2 - 2 rho + (SR_a^2 + SR_b^2 - 2 SR_a SR_b rho^2) / 2]; iid normal returns
  assumed, shown for reference only.
- ``ledoit_wolf_hac``: Ledoit & Wolf (2008), delta method. Delta = f(v), v = (mu_a, mu_b,
  gamma_a, gamma_b), gamma = E[r^2], f = mu_a / sqrt(gamma_a - mu_a^2) - (same for b);
  se^2 = grad f' Psi grad f / T with Psi a Newey-West (Bartlett) HAC covariance of
  (r_a - mu_a, r_b - mu_b, r_a^2 - gamma_a, r_b^2 - gamma_b).
- ``ledoit_wolf_bootstrap``: the robust test LW (2008) prefer. A studentized circular
  block bootstrap (indices from ``arch.bootstrap.CircularBlockBootstrap``, block length
  from ``arch.bootstrap.optimal_block_length``): each resample's se* uses the block-sum
  variance estimator, the p-value is the share of |Delta* - Delta| / se* >= |Delta| / se,
  and the 95% interval is Delta +- q95 se with q95 the quantile of |Delta* - Delta| / se*.
- ``probabilistic_sharpe``: PSR(SR*) = Phi((SR - SR*) sqrt(T - 1) / sqrt(1 - g3 SR + (g4 - 1)/4 SR^2)).
- ``deflated_sharpe``: DSR = PSR(SR_0), SR_0 = sqrt(V[SR_n]) ((1 - g) Phi^-1(1 - 1/N)
  + g Phi^-1(1 - 1/(N e))), g = 0.5772 (Euler-Mascheroni), e = 2.718 (Euler's number), as
  in Bailey & Lopez de Prado (2014); N trials, V[SR_n] the variance of their Sharpe ratios.
- ``min_track_record``: 1 + (1 - g3 SR + (g4 - 1)/4 SR^2) (z_alpha / (SR - SR*))^2 bars.

Sharpe figures returned by the comparison are annualised with ``periods_per_year``.
Edge case: two identical series (a strategy that fell back to 1/N throughout, say) have a
difference of exactly 0, a standard error of 0, p = 1 and an interval [0, 0].
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
from arch.bootstrap import CircularBlockBootstrap, optimal_block_length
from scipy.stats import kurtosis, norm, skew

EULER_GAMMA = 0.5772156649015329


def _pair(a, b) -> tuple[np.ndarray, np.ndarray]:
    a, b = np.asarray(a, dtype="float64"), np.asarray(b, dtype="float64")
    keep = ~(np.isnan(a) | np.isnan(b))
    return a[keep], b[keep]


def _sharpe(r: np.ndarray) -> float:
    return float(r.mean() / r.std(ddof=1))


# --- Jobson-Korkie with Memmel's correction --------------------------------------------


def jkm_z(sr_a: float, sr_b: float, rho: float, T: int) -> float:
    """z statistic from per-bar Sharpe ratios, their returns' correlation and T bars."""
    theta = (2 - 2 * rho + 0.5 * (sr_a**2 + sr_b**2 - 2 * sr_a * sr_b * rho**2)) / T
    if theta <= 0:  # identical series
        return 0.0 if sr_a == sr_b else math.copysign(math.inf, sr_a - sr_b)
    return (sr_a - sr_b) / math.sqrt(theta)


def jobson_korkie_memmel(a, b) -> tuple[float, float]:
    """(z, two-sided p) for SR_a - SR_b on paired per-bar returns."""
    a, b = _pair(a, b)
    z = jkm_z(_sharpe(a), _sharpe(b), float(np.corrcoef(a, b)[0, 1]), len(a))
    return z, float(2 * norm.sf(abs(z)))


# --- Ledoit-Wolf (2008) ------------------------------------------------------------------


def _moments(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.array([a.mean(), b.mean(), (a * a).mean(), (b * b).mean()])


def _delta_and_grad(v: np.ndarray) -> tuple[float, np.ndarray]:
    mu_a, mu_b, g_a, g_b = v
    va, vb = g_a - mu_a**2, g_b - mu_b**2
    delta = mu_a / math.sqrt(va) - mu_b / math.sqrt(vb)
    grad = np.array([g_a / va**1.5, -g_b / vb**1.5, -mu_a / (2 * va**1.5), mu_b / (2 * vb**1.5)])
    return delta, grad


def _deviations(a: np.ndarray, b: np.ndarray, v: np.ndarray) -> np.ndarray:
    return np.column_stack([a - v[0], b - v[1], a * a - v[2], b * b - v[3]])  # (T, 4)


def newey_west(y: np.ndarray, lags: int | None = None) -> np.ndarray:
    """HAC covariance (Bartlett kernel) of the rows of demeaned ``y`` (T, k)."""
    T = len(y)
    lags = int(math.floor(4 * (T / 100) ** (2 / 9))) if lags is None else lags
    psi = y.T @ y / T
    for j in range(1, lags + 1):
        g = y[j:].T @ y[:-j] / T
        psi += (1 - j / (lags + 1)) * (g + g.T)
    return psi


def ledoit_wolf_hac(a, b) -> tuple[float, float, float]:
    """(Delta per bar, its HAC standard error, two-sided p)."""
    a, b = _pair(a, b)
    v = _moments(a, b)
    delta, grad = _delta_and_grad(v)
    se = math.sqrt(max(grad @ newey_west(_deviations(a, b, v)) @ grad, 0.0) / len(a))
    if se == 0:
        return delta, 0.0, 1.0 if delta == 0 else 0.0
    return delta, se, float(2 * norm.sf(abs(delta) / se))


def _block_se(a: np.ndarray, b: np.ndarray, block: int) -> tuple[float, float]:
    """(Delta, se) with the block-sum variance estimator used on bootstrap resamples."""
    v = _moments(a, b)
    delta, grad = _delta_and_grad(v)
    y = _deviations(a, b, v)
    n_blocks = len(y) // block
    sums = y[: n_blocks * block].reshape(n_blocks, block, 4).sum(axis=1)  # (n_blocks, 4)
    psi = sums.T @ sums / (n_blocks * block)
    return delta, math.sqrt(max(grad @ psi @ grad, 1e-300) / len(a))


def block_length(a, b) -> int:
    """Circular block length (Politis-White, via arch), the larger of the two series'."""
    a, b = _pair(a, b)
    opt = optimal_block_length(np.column_stack([a, b]))["circular"].to_numpy()
    return max(1, int(math.ceil(np.nanmax(opt))))


def ledoit_wolf_bootstrap(a, b, n_boot: int = 1000, block: int | None = None, seed: int = 0, level: float = 0.95):
    """(Delta per bar, se, p, ci_low, ci_high, block) by studentized circular block bootstrap."""
    a, b = _pair(a, b)
    block = block or block_length(a, b)
    delta, se, p_hac = ledoit_wolf_hac(a, b)
    if se == 0:
        return delta, 0.0, p_hac, delta, delta, block
    bs = CircularBlockBootstrap(block, np.column_stack([a, b]), seed=np.random.default_rng(seed))
    stats = np.empty(n_boot)
    for i, (data, _) in enumerate(bs.bootstrap(n_boot)):
        x = data[0]
        d_star, se_star = _block_se(x[:, 0], x[:, 1], block)
        stats[i] = abs(d_star - delta) / se_star
    p = float((1 + np.sum(stats >= abs(delta) / se)) / (n_boot + 1))
    q = float(np.quantile(stats, level))
    return delta, se, p, delta - q * se, delta + q * se, block


# --- PSR, DSR, MinTRL ---------------------------------------------------------------------


def _shape(r: np.ndarray) -> tuple[float, float, float]:
    """(per-bar SR, skewness, kurtosis not excess)."""
    return _sharpe(r), float(skew(r)), float(kurtosis(r, fisher=False))


def probabilistic_sharpe(r, sr_star: float = 0.0) -> float:
    """P(true per-bar Sharpe > sr_star) given the sample's length, skewness and kurtosis."""
    r = np.asarray(r, dtype="float64")
    r = r[~np.isnan(r)]
    sr, g3, g4 = _shape(r)
    denom = math.sqrt(max(1 - g3 * sr + (g4 - 1) / 4 * sr**2, 1e-12))
    return float(norm.cdf((sr - sr_star) * math.sqrt(len(r) - 1) / denom))


def expected_max_sharpe(trial_sharpes) -> float:
    """SR_0: the largest per-bar Sharpe expected among N unskilled trials."""
    s = np.asarray(trial_sharpes, dtype="float64")
    n = len(s)
    if n < 2:
        return 0.0
    sd = float(s.std(ddof=1))
    return sd * ((1 - EULER_GAMMA) * norm.ppf(1 - 1 / n) + EULER_GAMMA * norm.ppf(1 - 1 / (n * math.e)))


def deflated_sharpe(r, trial_sharpes) -> float:
    """PSR against SR_0 from the per-bar Sharpe ratios of every trial on the same data."""
    return probabilistic_sharpe(r, expected_max_sharpe(trial_sharpes))


def min_track_record(r, sr_star: float = 0.0, alpha: float = 0.05) -> float:
    """Bars needed for PSR(sr_star) to reach 1 - alpha (inf if SR <= sr_star)."""
    r = np.asarray(r, dtype="float64")
    r = r[~np.isnan(r)]
    sr, g3, g4 = _shape(r)
    if sr <= sr_star:
        return float("inf")
    return float(1 + (1 - g3 * sr + (g4 - 1) / 4 * sr**2) * (norm.ppf(1 - alpha) / (sr - sr_star)) ** 2)


# --- The comparison reported for a pair of strategies -----------------------------------


@dataclass(frozen=True)
class SharpeComparison:
    strategy: str
    baseline: str
    sharpe: float  # annualised
    sharpe_baseline: float
    diff: float  # annualised Sharpe difference
    ratio_pct: float  # (sharpe / sharpe_baseline - 1) x 100, NaN if the baseline's is <= 0
    ci_low: float  # 95% bootstrap interval of the difference, annualised
    ci_high: float
    p_value: float  # Ledoit-Wolf studentized circular block bootstrap
    p_hac: float  # Ledoit-Wolf HAC delta method
    p_jkm: float  # Jobson-Korkie-Memmel (iid normal; reference only)
    block: int
    n_bars: int
    significant: bool  # p_value < 0.05

    def to_dict(self) -> dict:
        return asdict(self)


def compare(a, b, strategy: str, baseline: str, periods_per_year: int, n_boot: int = 1000, seed: int = 0) -> SharpeComparison:
    a, b = _pair(a, b)
    k = math.sqrt(periods_per_year)
    delta, _, p, lo, hi, block = ledoit_wolf_bootstrap(a, b, n_boot=n_boot, seed=seed)
    sa, sb = _sharpe(a) * k, _sharpe(b) * k
    return SharpeComparison(
        strategy=strategy, baseline=baseline, sharpe=sa, sharpe_baseline=sb, diff=delta * k,
        ratio_pct=(sa / sb - 1) * 100 if sb > 0 else float("nan"),
        ci_low=lo * k, ci_high=hi * k, p_value=p, p_hac=ledoit_wolf_hac(a, b)[2],
        p_jkm=jobson_korkie_memmel(a, b)[1], block=block, n_bars=len(a), significant=p < 0.05,
    )
