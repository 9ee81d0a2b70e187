from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kamfin.features import FeatureSpec, bar_features, build_samples, latest_window

SPEC = FeatureSpec(window=10, horizon=5, vol_window=20, stride=3)


def test_labels_are_purged_at_the_end_of_the_table(small_prices):
    prices = small_prices.iloc[:400]
    s = build_samples(prices, SPEC)
    assert s.date_pos.max() + SPEC.horizon <= len(prices) - 1
    assert s.date_pos.max() == len(prices) - 1 - SPEC.horizon  # anchored at the last usable row


def test_label_is_the_scaled_next_period_return(small_prices):
    prices = small_prices.iloc[:300]
    s = build_samples(prices, SPEC)
    i = len(s) // 2
    row, col = s.date_pos[i], s.asset[i]
    fwd = prices.iloc[row + SPEC.horizon, col] / prices.iloc[row, col] - 1
    sigma = prices.iloc[:, col].pct_change().iloc[row - SPEC.vol_window + 1 : row + 1].std()
    assert s.y[i] == pytest.approx(np.clip(fwd / (sigma * np.sqrt(SPEC.horizon)), -5, 5), rel=1e-9)


def test_features_use_no_later_rows(small_prices):
    prices = small_prices.iloc[:300]
    cut = 200
    shocked = prices.copy()
    shocked.iloc[cut + 1 :] *= 1.5
    a, _ = bar_features(prices, SPEC)
    b, _ = bar_features(shocked, SPEC)
    np.testing.assert_array_equal(a[: cut + 1], b[: cut + 1])
    Xa, _, _ = latest_window(prices.iloc[: cut + 1], SPEC)
    Xb, _, _ = latest_window(shocked.iloc[: cut + 1], SPEC)
    np.testing.assert_array_equal(Xa, Xb)


def test_window_matches_the_bar_features(small_prices):
    prices = small_prices.iloc[:300]
    feats, _ = bar_features(prices, SPEC)
    s = build_samples(prices, SPEC)
    row, col = s.date_pos[7], s.asset[7]
    np.testing.assert_allclose(s.X[7], feats[row - SPEC.window + 1 : row + 1, col], rtol=1e-6)


def test_too_short_history_gives_no_samples(small_prices):
    assert len(build_samples(small_prices.iloc[:30], SPEC)) == 0
    _, _, valid = latest_window(small_prices.iloc[:30], SPEC)
    assert not valid.any()
