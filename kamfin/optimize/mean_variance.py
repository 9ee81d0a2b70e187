"""Mean-variance and minimum-variance policies as compiled cvxpy problems.

    maximise   w' mu - (gamma / 2) w' Sigma w - kappa ||w - w_prev||_1
    subject to 1' w = 1,
               long-only:  0 <= w_i <= cap_i
               long-short: -cap_i <= w_i <= cap_i,  ||w||_1 <= leverage

Sigma enters in factor form F F' + diag(d) (``kamfin.risk.factor_form``), so w' Sigma w =
||F' w||^2 + sum(d * w^2); the diagonal term reaches the solver as its quadratic
objective, without auxiliary variables. Every number above is a ``cp.Parameter``: the problem is
built and canonicalised once and re-solved with new values at each rebalance. To keep it
DPP (parameter x variable products only), gamma is folded into the factor values,
G = sqrt(gamma) F and gamma d, and kappa into the turnover term,
||kappa w - kappa w_prev||_1.
An asset missing from the moments (not enough history) gets cap_i = 0.

Units: ``mu`` and Sigma annualised; ``kappa`` is charged per unit of total absolute weight
change ||w - w_prev||_1, in the same yearly-return units as ``mu``.
"""
from __future__ import annotations

from dataclasses import dataclass

import cvxpy as cp
import numpy as np
import pandas as pd

from kamfin.errors import OptimizationError
from kamfin.risk.covariance import Moments, factor_form

OK_STATUSES = (cp.OPTIMAL, cp.OPTIMAL_INACCURATE)
# Tighter than Clarabel's defaults (1e-8): the turnover term makes the optimum flat along
# some directions, where default tolerances leave weights uncertain at ~1e-5. At 1e-10 a
# few solves of a 31-year monthly backtest end "optimal_inaccurate"; at 1e-9 none do.
CLARABEL_OPTIONS = {"tol_gap_abs": 1e-9, "tol_gap_rel": 1e-9, "tol_feas": 1e-9}


@dataclass(frozen=True)
class Bounds:
    cap: float = 0.25  # largest absolute weight per asset
    long_only: bool = True
    leverage: float = 1.5  # gross exposure ||w||_1 limit, long-short mode only


class MeanVariance:
    """Compiled mean-variance policy over a fixed universe of ``tickers``.

    ``max_factors`` fixes the width of the factor form; with at most that many assets the
    covariance is represented exactly.
    """

    use_mu = True

    def __init__(
        self,
        tickers: list[str],
        gamma: float = 5.0,
        kappa: float = 0.0,
        bounds: Bounds = Bounds(),
        max_factors: int = 30,
        solver: str = "CLARABEL",
        solver_options: dict | None = None,
    ):
        self.tickers = list(tickers)
        self.gamma, self.kappa, self.bounds, self.solver = gamma, kappa, bounds, solver
        if solver_options is None:
            solver_options = CLARABEL_OPTIONS if solver == "CLARABEL" else {}
        self.solver_options = dict(solver_options)
        n = len(self.tickers)
        self.k = min(n, max_factors)
        self._mu = cp.Parameter(n)
        self._G = cp.Parameter((n, self.k))  # sqrt(gamma) F
        self._gd = cp.Parameter(n, nonneg=True)  # gamma d
        self._kappa = cp.Parameter(n, nonneg=True)  # kappa, one per asset
        self._kappa_prev = cp.Parameter(n)  # kappa * w_prev
        self._cap = cp.Parameter(n, nonneg=True)
        self._w = w = cp.Variable(n)

        risk = cp.sum_squares(self._G.T @ w) + cp.sum(cp.multiply(self._gd, cp.square(w)))
        turnover_cost = cp.norm1(cp.multiply(self._kappa, w) - self._kappa_prev)
        objective = -risk / 2 - turnover_cost
        if self.use_mu:
            objective = objective + self._mu @ w
        constraints = [cp.sum(w) == 1, w <= self._cap]
        if bounds.long_only:
            constraints.append(w >= 0)
        else:
            constraints += [w >= -self._cap, cp.norm1(w) <= bounds.leverage]
        self._problem = cp.Problem(cp.Maximize(objective), constraints)

    def weights(self, moments: Moments, previous: pd.Series | None = None) -> pd.Series:
        """Target weights over ``tickers``; raises ``OptimizationError`` when no solution."""
        n = len(self.tickers)
        avail = np.array([t in moments.cov.index for t in self.tickers])
        names = [t for t in self.tickers if t in moments.cov.index]
        cap = np.where(avail, self.bounds.cap, 0.0)
        if cap.sum() < 1 - 1e-9:
            raise OptimizationError(
                f"infeasible: {avail.sum()} assets with history x cap {self.bounds.cap:g} < 1; "
                "raise the weight cap or add assets"
            )
        F_av, d_av = factor_form(moments.cov.loc[names, names].to_numpy(), self.k)
        F = np.zeros((n, self.k))
        F[avail, : F_av.shape[1]] = F_av
        d = np.zeros(n)
        d[avail] = d_av
        mu = np.zeros(n)
        mu[avail] = moments.mu.loc[names].to_numpy() if self.use_mu else 0.0
        prev = np.zeros(n) if previous is None else previous.reindex(self.tickers).fillna(0.0).to_numpy()
        return self.solve(mu, F, d, prev, cap)

    def solve(self, mu: np.ndarray, F: np.ndarray, d: np.ndarray, prev: np.ndarray, cap: np.ndarray) -> pd.Series:
        """Re-solve the compiled problem with raw parameter values (the benchmark's entry)."""
        self._mu.value, self._G.value = mu, np.sqrt(self.gamma) * F
        self._gd.value = self.gamma * d
        self._kappa.value = np.full(len(mu), self.kappa)
        self._kappa_prev.value = self.kappa * prev
        self._cap.value = cap
        try:
            self._problem.solve(solver=self.solver, **self.solver_options)
        except cp.error.SolverError as exc:
            raise OptimizationError(f"solver {self.solver} failed: {exc}") from None
        if self._problem.status not in OK_STATUSES or self._w.value is None:
            raise OptimizationError(f"solver {self.solver} returned status {self._problem.status}")
        w = np.asarray(self._w.value, dtype="float64")
        w = np.clip(w, -cap, cap)  # remove solver-tolerance excursions (~1e-9)
        w[np.abs(w) < 1e-8] = 0.0  # and solver noise on assets it leaves out
        if self.bounds.long_only:
            w = np.maximum(w, 0.0)
        return pd.Series(w / w.sum(), index=self.tickers)


class MinVariance(MeanVariance):
    """Minimum variance: the same compiled problem without the expected-return term."""

    use_mu = False
