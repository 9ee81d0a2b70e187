from __future__ import annotations

import pickle

import pytest

from kamfin.config import RunConfig, load_toml, make_config
from kamfin.errors import ConfigError


def test_defaults_and_resolved_values():
    cfg = make_config({})
    assert cfg == RunConfig()
    assert cfg.resolved_kappa() == pytest.approx((10 + 5) / 1e4 * 12)
    assert make_config({"quick": True}).resolved_start() == "2015-01-01"
    assert pickle.loads(pickle.dumps(cfg)) == cfg


def test_toml_keys_and_types(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[backtest]\nstrategies = ["ew", "mv"]\nrebalance = "W"\nfees_bps = 2\nstart = 2010-01-04\n')
    cfg = make_config(load_toml(path))
    assert cfg.strategies == ("ew", "mv") and cfg.rebalance == "W" and cfg.fees_bps == 2.0 and cfg.start == "2010-01-04"


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"rebalance": "Y"}, "not one of D, W, M, Q"),
        ({"fees_bps": -1}, "fees_bps -1.0 must be in"),
        ({"seed": 1.5}, "seed = 1.5 has the wrong type"),
        ({"start": "2020-13-45"}, "is not a date"),
        ({"start": "2020-01-01", "end": "2019-01-01"}, "is not after --start"),
        ({"cap": 0}, "cap 0.0 must be in"),
        ({"strategies": "ew,ew"}, "named twice"),
        ({"window": "sliding"}, "must be expanding or rolling"),
    ],
)
def test_bad_values_are_config_errors(overrides, message):
    with pytest.raises(ConfigError, match=message):
        make_config(overrides)


def test_unknown_toml_key(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("rebalanse = 'M'\n")
    with pytest.raises(ConfigError, match="unknown key 'rebalanse'"):
        load_toml(path)
    path.write_text("this is = not toml = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_toml(path)
