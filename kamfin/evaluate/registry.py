"""The run registry: every (configuration, strategy) ever run on the same data, so that the
deflated Sharpe ratio's number of trials N counts what was really tried.

A JSON-lines file beside the run folders (``backtests/results/registry.jsonl`` by
default). Each finished run appends one line per strategy; rerunning an identical
configuration adds no new trial (trials are keyed by config digest and strategy, and a
seed is part of the config).
"""
from __future__ import annotations

import json
from pathlib import Path


def read_trials(path: str | Path, fingerprint: str) -> dict[tuple[str, str], float]:
    """(config digest, strategy) -> per-bar Sharpe, for runs on data ``fingerprint``."""
    path = Path(path)
    trials: dict[tuple[str, str], float] = {}
    if not path.exists():
        return trials
    for line in path.read_text().splitlines():
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            continue  # a torn line from an interrupted write is not a trial
        if rec.get("fingerprint") == fingerprint and rec.get("sharpe_per_bar") is not None:
            trials[rec["digest"], rec["strategy"]] = float(rec["sharpe_per_bar"])
    return trials


def append_trials(path: str | Path, records: list[dict]) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as fh:
        fh.write("".join(json.dumps(r, sort_keys=True) + "\n" for r in records))
