from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kamfin.evaluate.forecasts import forecast_diagnostics, realised_returns
from tests.conftest import synthetic_prices


def setup(horizon=5):
    prices = synthetic_prices(400, 6, seed=1)
    dates = prices.index[100:380:horizon]
    realised = realised_returns(prices, dates, horizon)
    return prices, dates, realised


def test_a_perfect_forecast_scores_perfectly():
    prices, dates, realised = setup()
    d = forecast_diagnostics(realised, realised, prices, horizon=5, lookback=60)
    assert d["ic"]["mean"] == pytest.approx(1.0) and d["rank_ic"]["mean"] == pytest.approx(1.0)
    assert d["oos_r2_vs_zero"] == pytest.approx(1.0) and d["oos_r2_vs_hist_mean"] == pytest.approx(1.0)
    assert d["hit_rate"] == 1.0 and d["n_forecasts"] == realised.notna().sum().sum()


def test_a_zero_forecast_has_zero_r2_and_a_reversed_one_negative_ic():
    prices, dates, realised = setup()
    zero = realised * 0.0
    d = forecast_diagnostics(-realised, zero, prices, horizon=5, lookback=60)
    assert d["oos_r2_vs_zero"] == pytest.approx(0.0)
    assert d["ic"]["mean"] == pytest.approx(-1.0) and np.isnan(d["hit_rate"])


def test_realised_returns_are_the_next_period_returns():
    prices, dates, realised = setup(horizon=5)
    t = dates[3]
    pos = prices.index.get_loc(t)
    np.testing.assert_allclose(realised.loc[t], prices.iloc[pos + 5] / prices.iloc[pos] - 1)


def test_ic_summary_matches_a_hand_computation():
    prices, dates, realised = setup()
    rng = np.random.default_rng(0)
    noisy = realised + rng.normal(0, 0.02, realised.shape)
    d = forecast_diagnostics(noisy, noisy * 0.1, prices, horizon=5, lookback=60)
    ics = [np.corrcoef(noisy.loc[t].dropna(), realised.loc[t].dropna())[0, 1] for t in dates if realised.loc[t].notna().all()]
    assert d["ic"]["mean"] == pytest.approx(np.mean(ics))
    assert d["ic"]["t"] == pytest.approx(np.mean(ics) / np.std(ics, ddof=1) * np.sqrt(len(ics)))
