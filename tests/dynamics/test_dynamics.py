"""The dynamical-systems experiment: reference data, metrics, and the command line."""
from __future__ import annotations

import json

import numpy as np
import pytest

from kamfin.dynamics import experiment as ex
from kamfin.dynamics import systems as sy
from kamfin.forecast.training import TrainConfig
from tests.conftest import run_cli


def test_lorenz_lyapunov_exponent_is_recovered():
    x0 = sy.lorenz(2, 0.02).states[0]
    assert sy.largest_lyapunov(sy.lorenz_rhs, x0, 0.5, 200) == pytest.approx(sy.LORENZ_LYAPUNOV, rel=0.15)


def test_pendulum_reference_conserves_energy_and_stays_below_the_top():
    p = sy.double_pendulum(3000, 0.05, lyapunov_steps=30)
    energy = sy.pendulum_energy(p.states)
    assert np.abs(energy - energy[0]).max() / abs(energy[0]) < 1e-7
    assert np.abs(p.states[:, :2]).max() < np.pi and p.lyapunov > 0.1  # chaotic, no flips


def test_shipped_real_series_load_offline():
    solar, enso = sy.solar_irradiance(), sy.enso()
    assert solar.states.shape == (8760, 1) and solar.states.min() >= 0 and solar.states.max() > 500
    assert enso.states.shape == (732, 1) and 15 < enso.states.mean() < 30


def test_windows_and_increments():
    z = np.arange(20.0).reshape(10, 2)
    X, Y = ex.windows(z, 3, 0, 10)
    assert X.shape == (7, 3, 2) and np.array_equal(X[0], z[:3]) and np.array_equal(Y[0], z[3] - z[2])


def test_valid_time_and_divergence():
    truth = np.zeros((2, 5, 1))
    pred = np.array([[0.1, 0.2, 0.6, 0.1, 0.1], [0.1, np.nan, np.nan, np.nan, np.nan]])[..., None]
    assert ex.valid_time(pred, truth).tolist() == [2.0, 1.0]
    assert ex.nrmse(pred, truth) == float("inf") and ex.diverged(pred) == 0.5


def test_batched_rollouts_equal_single_rollouts_and_ngrc_learns_lorenz():
    split = ex.normalise(sy.lorenz(2500, 0.02).states, 0.7)
    X, Y = ex.windows(split.z, 4, 0, split.n_train)
    f = ex.fit("ngrc", X, Y, TrainConfig(), seed=0)
    starts = np.array([split.n_train + 10, split.n_train + 200])
    many = ex.rollouts(f, split.z, starts, 4, 30)
    one = ex.rollout(f, split.z[starts[1] - 3 : starts[1] + 1], 30)
    np.testing.assert_allclose(many[1], one, rtol=1e-5, atol=1e-5)
    Xt, Yt = ex.windows(split.z, 4, split.n_train, len(split.z))
    zero = ex.fit("persistence", X, Y, TrainConfig(), seed=0)
    assert ex.nrmse(Xt[:, -1] + f(Xt), Xt[:, -1] + Yt) < 0.1 * ex.nrmse(Xt[:, -1] + zero(Xt), Xt[:, -1] + Yt)


def test_quick_dynamics_through_the_command_line(tmp_path):
    out = tmp_path / "dyn"
    proc = run_cli("dynamics", "--quick", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((out / "dynamics.json").read_text())
    assert set(doc["systems"]) == {"lorenz", "double_pendulum", "solar_irradiance", "enso"}
    for name in ["lorenz", "double_pendulum", "solar_irradiance", "enso"]:
        assert (out / f"{name}.png").is_file() and f"({name}.png)" in (out / "dynamics.md").read_text()
    for name in ["lorenz", "double_pendulum", "solar_irradiance"]:
        assert set(doc["systems"][name]["models"]) == {"persistence", "ngrc", "kamnn", "lstm", "transformer"}
    assert doc["systems"]["lorenz"]["models"]["kamnn"]["vpt"] >= 0
    assert set(doc["systems"]["enso"]["leads"]) == {"6", "12", "18"}
    md = (out / "dynamics.md").read_text()
    assert "KAMNN claimed" in md and "3.2%" in md and "Lyapunov times" in md
    assert "KAMNN claimed" in proc.stdout


def test_unknown_system_exits_2(tmp_path):
    proc = run_cli("dynamics", "--systems", "lorenz,weather", "--out", str(tmp_path / "x"))
    assert proc.returncode == 2 and "unknown system 'weather'" in proc.stderr and "Traceback" not in proc.stderr
