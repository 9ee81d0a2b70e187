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
from collections.abc import Callable
from pathlib import Path

from kamfin.errors import ConfigError
from kamfin.evaluate.registry import append_trials, read_trials
from kamfin.evaluate.sharpe_tests import deflated_sharpe
from kamfin.report import plots as P
from kamfin.report.render import html_report, markdown
from kamfin.runner import RunResult


def json_safe(value):
    """NaN -> null; +-inf -> "inf" / "-inf" (a breakeven cost above the grid, an unreachable
    track record), which JSON cannot hold as numbers."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, float) and math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


def trial_records(result: RunResult) -> list[dict]:
    """One trial per strategy, and one per seed of a strategy run under several seeds."""
    man = result.manifest
    ppy = result.config.periods_per_year
    base = {"fingerprint": man["data"]["fingerprint"], "digest": man["config_digest"], "run_id": man["run_id"]}
    records = []
    for name, run in result.runs.items():
        r = run.sim.returns
        records.append(base | {"strategy": name, "seed": man["seed"], "n_bars": int(r.notna().sum()),
                               "sharpe_per_bar": float(r.mean() / r.std(ddof=1))})
        for seed, annual in run.metrics.get("seed_sharpes", {}).items():
            records.append(base | {"strategy": f"{name}@seed{seed}", "seed": int(seed), "n_bars": int(r.notna().sum()),
                                   "sharpe_per_bar": annual / ppy**0.5})
    return records


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
        "subperiods": {} if result.subperiods is None else {k: v.to_dict() for k, v in result.subperiods.iterrows()},
        "cost_sensitivity": {} if result.costs is None else {f"{c:g}": row.to_dict() for c, row in result.costs.iterrows()},
        "events": [e.to_dict() for e in result.events],
        "manifest": result.manifest,
    }


def write_files(result: RunResult, folder: Path) -> None:
    doc = metrics_document(result)
    (folder / "metrics.json").write_text(json.dumps(json_safe(doc), indent=2, allow_nan=False))
    result.returns.to_csv(folder / "returns.csv", float_format="%.17g")
    (folder / "weights").mkdir()
    for name, run in result.runs.items():
        run.walk.weights.to_csv(folder / "weights" / f"{name}.csv", float_format="%.17g")
    ppy = result.config.periods_per_year
    made = [
        P.equity_plot(result.returns, folder / "equity.png"),
        P.drawdown_plot(result.returns, folder / "drawdown.png"),
        P.rolling_sharpe_plot(result.returns, folder / "rolling.png", ppy),
        P.weights_plot({n: r.walk.weights for n, r in result.runs.items() if n != "index"}, folder / "weights.png"),
    ]
    if result.comparisons:
        made.append(P.forest_plot(list(result.comparisons), folder / "forest.png"))
    forecasting = {n: r.metrics["forecast"] for n, r in result.runs.items() if "forecast" in r.metrics}
    if forecasting:
        made.append(P.ic_plot(forecasting, folder / "ic.png"))
    plots = {path.stem: path.name for path in made}
    (folder / "report.md").write_text(markdown(doc, plots))
    (folder / "report.html").write_text(html_report(doc, plots, folder))


def write_atomically(out: str | Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(folder)`` on a temporary folder beside ``out``; move it into place only
    when it returns, replacing an earlier ``out`` then and only then."""
    out = Path(out).absolute()
    if out.exists() and not out.is_dir():
        raise ConfigError(f"--out {out} is a file; pass a folder path")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        write(tmp)
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
    return out


def write_run(result: RunResult, out: str | Path, registry: str | Path | None = None) -> Path:
    """Write the run into ``out`` (all or nothing), then record its trials in the registry
    (``registry.jsonl`` beside ``out`` unless given)."""
    out = Path(out).absolute()
    registry = Path(registry) if registry else out.parent / "registry.jsonl"
    deflate(result, registry)
    out = write_atomically(out, lambda folder: write_files(result, folder))
    append_trials(registry, trial_records(result))
    return out
