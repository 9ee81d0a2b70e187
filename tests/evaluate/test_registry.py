from __future__ import annotations

import json

from kamfin.evaluate.registry import append_trials, read_trials


def rec(digest, strategy, sharpe, fp="abc"):
    return {"fingerprint": fp, "digest": digest, "strategy": strategy, "sharpe_per_bar": sharpe}


def test_trials_are_keyed_by_config_and_strategy_on_the_same_data(tmp_path):
    path = tmp_path / "registry.jsonl"
    append_trials(path, [rec("d1", "ew", 0.05), rec("d1", "kamnn", 0.03)])
    append_trials(path, [rec("d1", "ew", 0.05), rec("d1", "kamnn", 0.03)])  # the same run again
    assert len(read_trials(path, "abc")) == 2
    append_trials(path, [rec("d2", "kamnn", 0.04), rec("d9", "ew", 0.1, fp="other-data")])
    assert read_trials(path, "abc") == {("d1", "ew"): 0.05, ("d1", "kamnn"): 0.03, ("d2", "kamnn"): 0.04}


def test_a_torn_line_is_not_a_trial(tmp_path):
    path = tmp_path / "registry.jsonl"
    path.write_text(json.dumps(rec("d1", "ew", 0.05)) + "\n" + '{"fingerprint": "abc", "dig')
    assert read_trials(path, "abc") == {("d1", "ew"): 0.05}
    assert read_trials(tmp_path / "missing.jsonl", "abc") == {}
