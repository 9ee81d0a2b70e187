"""The systems, as arrays of states sampled every ``dt`` (time units stated per system).

- Lorenz-63 (sigma 10, rho 28, beta 8/3), integrated by scipy's DOP853 at rtol 1e-10,
  atol 1e-12 after a transient; largest Lyapunov exponent ~0.906 (one Lyapunov time
  ~1.10 time units).
- Double pendulum (unit masses and lengths, g = 9.81) from Hamilton's equations in
  (theta1, theta2, p1, p2), same integrator; its energy is checked to be conserved by the
  reference data, and its largest Lyapunov exponent is estimated (Benettin's method).
- Solar irradiance: hourly global horizontal irradiance (W/m^2) of the TMY3 file that
  pvlib ships (Greensboro, NC), read with ``pvlib.iotools.read_tmy3``; no network.
- ENSO: monthly sea-surface temperatures (Nino 1+2, 1950-2010) that statsmodels ships.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.integrate import solve_ivp

RTOL, ATOL = 1e-10, 1e-12
LORENZ_LYAPUNOV = 0.906
G = 9.81


@dataclass(frozen=True)
class Series:
    name: str
    states: np.ndarray  # (T, d)
    dt: float  # time between samples, in the system's time unit
    unit: str
    lyapunov: float | None = None  # largest Lyapunov exponent per time unit, if chaotic
    names: tuple[str, ...] = ()


def lorenz_rhs(t, x, sigma=10.0, rho=28.0, beta=8 / 3):
    return [sigma * (x[1] - x[0]), x[0] * (rho - x[2]) - x[1], x[0] * x[1] - beta * x[2]]


def integrate(rhs, x0, n: int, dt: float, method: str = "DOP853") -> np.ndarray:
    t = np.arange(n) * dt
    sol = solve_ivp(rhs, (0, t[-1]), x0, method=method, t_eval=t, rtol=RTOL, atol=ATOL)
    return sol.y.T


def lorenz(n: int, dt: float = 0.02, transient: float = 20.0) -> Series:
    x0 = integrate(lorenz_rhs, [1.0, 1.0, 1.0], int(transient / dt) + 1, dt)[-1]
    return Series("lorenz", integrate(lorenz_rhs, x0, n, dt), dt, "time units", LORENZ_LYAPUNOV, ("x", "y", "z"))


def pendulum_rhs(t, s):
    """Hamilton's equations of the double pendulum (m1 = m2 = l1 = l2 = 1)."""
    th1, th2, p1, p2 = s
    c, sn = np.cos(th1 - th2), np.sin(th1 - th2)
    den = 1 + sn**2
    dth1 = (p1 - p2 * c) / den
    dth2 = (2 * p2 - p1 * c) / den
    h1 = p1 * p2 * sn / den
    h2 = (p1**2 + 2 * p2**2 - 2 * p1 * p2 * c) * sn * c / den**2
    return [dth1, dth2, -2 * G * np.sin(th1) - h1 + h2, -G * np.sin(th2) + h1 - h2]


def pendulum_energy(s: np.ndarray) -> np.ndarray:
    """Hamiltonian of states (..., 4)."""
    th1, th2, p1, p2 = np.moveaxis(np.asarray(s), -1, 0)
    c = np.cos(th1 - th2)
    kinetic = (p1**2 + 2 * p2**2 - 2 * p1 * p2 * c) / (2 * (1 + np.sin(th1 - th2) ** 2))
    return kinetic - 2 * G * np.cos(th1) - G * np.cos(th2)


def largest_lyapunov(rhs, x0, dt: float, steps: int, d0: float = 1e-8) -> float:
    """Benettin's two-trajectory estimate, renormalising every ``dt``."""
    a = np.asarray(x0, dtype="float64")
    b = a + d0 / np.sqrt(len(a))
    total = 0.0
    for _ in range(steps):
        a = solve_ivp(rhs, (0, dt), a, method="DOP853", rtol=RTOL, atol=ATOL).y[:, -1]
        b = solve_ivp(rhs, (0, dt), b, method="DOP853", rtol=RTOL, atol=ATOL).y[:, -1]
        d = np.linalg.norm(b - a)
        total += np.log(d / d0)
        b = a + (b - a) * d0 / d
    return total / (steps * dt)


PENDULUM_START = [1.5, 0.5, 0.0, 0.0]  # chaotic (lambda ~0.25 / s), both arms stay below the top (|theta| < pi)


def double_pendulum(n: int, dt: float = 0.02, lyapunov_steps: int = 100) -> Series:
    states = integrate(pendulum_rhs, PENDULUM_START, n, dt)
    lam = largest_lyapunov(pendulum_rhs, PENDULUM_START, 1.0, lyapunov_steps)
    return Series("double_pendulum", states, dt, "s", lam, ("theta1", "theta2", "p1", "p2"))


def solar_irradiance() -> Series:
    import pvlib

    path = Path(pvlib.__file__).parent / "data" / "723170TYA.CSV"
    data, _ = pvlib.iotools.read_tmy3(path, map_variables=True)
    return Series("solar_irradiance", data["ghi"].to_numpy(dtype="float64")[:, None], 1.0, "hours", None, ("ghi",))


def enso() -> Series:
    from statsmodels.datasets import elnino

    table = elnino.load_pandas().data.drop(columns="YEAR").to_numpy(dtype="float64")  # (years, 12)
    return Series("enso", table.reshape(-1, 1), 1.0, "months", None, ("sst",))
