"""Writing a run to ``--out DIR``, all or nothing.

Everything is written into a temporary folder beside ``DIR`` and moved into place only
when complete; an earlier result in ``DIR`` is replaced only then, so a failed run never
overwrites a good one.
"""
from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from pathlib import Path

from kamfin.errors import ConfigError
from kamfin.evaluate.registry import append_trials, read_trials
from kamfin.evaluate.sharpe_tests import deflated_sharpe
from kamfin.report.plots import drawdown_plot, equity_plot
from kamfin.report.render import html_report, markdown
from kamfin.runner import RunResult


def _json_safe(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def trial_records(result: RunResult) -> list[dict]:
    man = result.manifest
    return [
        {
            "fingerprint": man["data"]["fingerprint"], "digest": man["config_digest"], "strategy": name,
            "seed": man["seed"], "run_id": man["run_id"], "n_bars": int(run.sim.returns.notna().sum()),
            "sharpe_per_bar": float(run.sim.returns.mean() / run.sim.returns.std(ddof=1)),
        }
        for name, run in result.runs.items()
    ]


def deflate(result: RunResult, registry: Path) -> None:
    """Add the deflated Sharpe ratio to each strategy's metrics, with N = every trial on
    this data in the registry plus this run's strategies."""
    records = trial_records(result)
    trials = read_trials(registry, result.manifest["data"]["fingerprint"])
    trials.update({(r["digest"], r["strategy"]): r["sharpe_per_bar"] for r in records})
    sharpes = list(trials.values())
    for name, run in result.runs.items():
        run.metrics["dsr"] = deflated_sharpe(run.sim.returns, sharpes)
        run.metrics["n_trials"] = len(sharpes)


def metrics_document(result: RunResult) -> dict:
    return {
        "strategies": {name: run.metrics for name, run in result.runs.items()},
        "comparisons": list(result.comparisons),
        "events": [e.to_dict() for e in result.events],
        "manifest": result.manifest,
    }


def write_files(result: RunResult, folder: Path) -> None:
    doc = metrics_document(result)
    (folder / "metrics.json").write_text(json.dumps(_json_safe(doc), indent=2, allow_nan=False))
    result.returns.to_csv(folder / "returns.csv", float_format="%.17g")
    (folder / "weights").mkdir()
    for name, run in result.runs.items():
        run.walk.weights.to_csv(folder / "weights" / f"{name}.csv", float_format="%.17g")
    plots = {
        "Equity curves (log scale)": equity_plot(result.returns, folder / "equity.png"),
        "Drawdowns": drawdown_plot(result.returns, folder / "drawdown.png"),
    }
    (folder / "report.md").write_text(markdown(doc, {t: p.name for t, p in plots.items()}))
    (folder / "report.html").write_text(html_report(doc, plots))


def write_run(result: RunResult, out: str | Path, registry: str | Path | None = None) -> Path:
    """Write the run into ``out`` (all or nothing), then record its trials in the registry
    (``registry.jsonl`` beside ``out`` unless given)."""
    out = Path(out).absolute()
    if out.exists() and not out.is_dir():
        raise ConfigError(f"--out {out} is a file; pass a folder path")
    registry = Path(registry) if registry else out.parent / "registry.jsonl"
    deflate(result, registry)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        write_files(result, tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        os.replace(out, old / "previous")
        os.replace(tmp, out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(tmp, out)
    append_trials(registry, trial_records(result))
    return out
