from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from kamfin.features import FeatureSpec, build_samples
from kamfin.forecast import NeuralForecaster, RidgeForecaster, TrainConfig, calibrate, rank_ic
from kamfin.forecast.base import IC_MAX, time_split

SPEC = FeatureSpec(window=10, horizon=21, vol_window=21, stride=5)
FAST = TrainConfig(epochs=2, batch_size=256, max_train=3000)


@pytest.fixture(scope="module")
def history(small_prices):
    return small_prices.loc[:"2016-12-31"]


def test_time_split_purges_labels_that_reach_the_validation_period(history):
    s = build_samples(history, SPEC)
    train, val = time_split(s, 0.2, SPEC.horizon)
    first_val = s.date_pos[val].min()
    assert (s.date_pos[train] + SPEC.horizon < first_val).all()
    assert not (train & val).any() and train.sum() > 0


def test_calibration_is_ic_times_sigma_times_zscore():
    scores, sigma = np.array([1.0, 2.0, 3.0]), np.array([0.1, 0.2, 0.3])
    z = (scores - 2.0) / scores.std()
    np.testing.assert_allclose(calibrate(scores, sigma, 0.05), 0.05 * sigma * z)
    assert (calibrate(scores, sigma, -0.2) == 0).all()  # no validated skill, no alpha
    np.testing.assert_allclose(calibrate(scores, sigma, 0.9), IC_MAX * sigma * z)


def test_rank_ic_of_a_perfect_and_a_reversed_forecast():
    dates = np.repeat([0, 1], 5)
    y = np.arange(10.0)
    assert rank_ic(y, y, dates) == pytest.approx(1.0)
    assert rank_ic(-y, y, dates) == pytest.approx(-1.0)


def test_scaler_is_fitted_on_training_rows_only(history):
    f = RidgeForecaster(spec=SPEC).fit(history)
    s = build_samples(history, SPEC)
    train, _ = time_split(s, 0.2, SPEC.horizon)
    np.testing.assert_allclose(f.scaler_[0], s.X[train].reshape(-1, 2).mean(0), rtol=1e-5)
    assert not np.allclose(f.scaler_[0], s.X.reshape(-1, 2).mean(0), rtol=1e-5)


@pytest.mark.parametrize("model", ["kamnn", "lstm", "transformer"])
def test_same_seed_same_predictions(history, model):
    a = NeuralForecaster(model, train=FAST, spec=SPEC, seed=3).fit(history).predict(history)
    b = NeuralForecaster(model, train=FAST, spec=SPEC, seed=3).fit(history).predict(history)
    pd.testing.assert_series_equal(a, b, check_exact=True)
    assert list(a.index) == list(history.columns)


def test_different_seeds_differ_and_global_rng_is_untouched(history):
    torch.manual_seed(123)
    before = torch.get_rng_state()
    f1 = NeuralForecaster("kamnn", train=FAST, spec=SPEC, seed=1).fit(history)
    assert torch.equal(torch.get_rng_state(), before)
    f2 = NeuralForecaster("kamnn", train=FAST, spec=SPEC, seed=2).fit(history)
    X = torch.randn(4, 10, 2)
    assert not torch.allclose(f1.net_(X), f2.net_(X))


def test_checkpoint_round_trip_with_weights_only(history, tmp_path):
    f = NeuralForecaster("kamnn", train=FAST, spec=SPEC, seed=0).fit(history)
    f.save(tmp_path / "kamnn.pt")
    g = NeuralForecaster.load(tmp_path / "kamnn.pt")
    pd.testing.assert_series_equal(f.predict(history), g.predict(history), check_exact=True)


def test_predict_before_fit_is_an_error(history):
    with pytest.raises(RuntimeError, match="not fitted"):
        RidgeForecaster().predict(history)


def test_early_stopping_keeps_the_best_epoch(history):
    f = NeuralForecaster("lstm", train=TrainConfig(epochs=8, patience=1, max_train=3000), spec=SPEC).fit(history)
    assert 1 <= len(f.val_history_) <= 8
    best = min(f.val_history_)
    s = build_samples(history, SPEC)
    _, val = time_split(s, 0.2, SPEC.horizon)
    vs = f._scale(s.subset(val))
    assert f._loss(f.net_, torch.from_numpy(vs.X), torch.from_numpy(vs.y.astype(np.float32))) == pytest.approx(best, rel=1e-5)
