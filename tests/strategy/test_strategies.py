"""Strategies as signals, the registry, and files in strategies/."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kamfin.config import RunConfig
from kamfin.errors import ConfigError
from kamfin.strategy import EqualWeight, MeanVarianceStrategy
from kamfin.strategy.registry import BUILTINS, build_strategy, check_names
from tests.conftest import REPO


def test_weights_go_straight_into_vectorbt(small_prices):
    import vectorbt as vbt

    w = MeanVarianceStrategy(lookback=252).weights(small_prices, rebalance="M", warmup=252)
    assert list(w.columns) == list(small_prices.columns)
    np.testing.assert_allclose(w.sum(axis=1), 1.0)
    size = w.reindex(small_prices.index)  # NaN rows: no order
    pf = vbt.Portfolio.from_orders(
        small_prices, size=size, size_type="targetpercent", group_by=True, cash_sharing=True, call_seq="auto", freq="1D"
    )
    assert pf.value().iloc[-1] > 0 and len(pf.orders.records) > 0


def test_equal_weight_skips_assets_without_a_full_window():
    hist = pd.DataFrame({"a": [1.0, 1.1, 1.2], "b": [np.nan, np.nan, 3.0], "c": [2.0, 2.1, 2.2]})
    assert EqualWeight().decide(hist, None).to_dict() == {"a": 1 / 3, "b": 1 / 3, "c": 1 / 3}
    assert EqualWeight(lookback=2).decide(hist, None).to_dict() == {"a": 0.5, "b": 0.0, "c": 0.5}


def test_builtin_names_and_unknown_name():
    assert {"ew", "mv", "minvar", "index"} <= set(BUILTINS)
    with pytest.raises(ConfigError, match="unknown strategy 'nope'; choose from"):
        check_names(RunConfig(strategies=("ew", "nope"), strategy_dirs=(str(REPO / "strategies"),)))


def test_strategy_file_is_loaded_by_name(tmp_path):
    (tmp_path / "tilt.py").write_text(
        "from kamfin.strategy import EqualWeight\n"
        "def build(config):\n    return EqualWeight()\n"
    )
    cfg = RunConfig(strategies=("tilt",), strategy_dirs=(str(tmp_path),))
    check_names(cfg)
    assert build_strategy("tilt", cfg).name == "tilt"
    (tmp_path / "broken.py").write_text("x = 1\n")
    with pytest.raises(ConfigError, match="defines no build"):
        build_strategy("broken", RunConfig(strategy_dirs=(str(tmp_path),)))


def test_shipped_strategy_files_build(small_prices):
    cfg = RunConfig(strategy_dirs=(str(REPO / "strategies"),), lookback=252, warmup=252)
    from kamfin.strategy.registry import strategy_files

    files = strategy_files(cfg.strategy_dirs)
    assert files, "strategies/ should ship at least one example"
    for name in files:
        w = build_strategy(name, cfg).weights(small_prices, warmup=252)
        np.testing.assert_allclose(w.sum(axis=1), 1.0, atol=1e-9)
