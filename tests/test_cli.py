"""The command line, driven as a user drives it: subprocesses of ``python -m kamfin``."""
from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from kamfin.data import load_prices
from kamfin.evaluate import sharpe
from tests.conftest import run_cli


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "quick"
    strategies = "ew,mv,minvar,index,kamnn,lstm,transformer,linear"
    proc = run_cli("backtest", "--quick", "--strategies", strategies, "--out", str(out))
    return proc, out


def test_quick_backtest_writes_every_output(quick_run):
    proc, out = quick_run
    assert proc.returncode == 0, proc.stderr
    for name in ["metrics.json", "returns.csv", "report.md", "report.html", "equity.png", "drawdown.png"]:
        assert (out / name).is_file(), name
    names = ["ew", "index", "kamnn", "linear", "lstm", "minvar", "mv", "transformer"]
    assert sorted(p.name for p in (out / "weights").iterdir()) == [f"{n}.csv" for n in names]
    assert "Sharpe" in proc.stdout and "report:" in proc.stdout
    html = (out / "report.html").read_text()
    pngs = sorted(p.name for p in out.glob("*.png"))
    assert {"equity.png", "drawdown.png", "rolling.png", "weights.png", "forest.png", "ic.png"} <= set(pngs)
    assert html.count("data:image/png;base64,") == len(pngs)
    import re

    assert sorted(re.findall(r"!\[[^\]]*\]\(([^)]+)\)", (out / "report.md").read_text())) == pngs


def test_reported_sharpe_equals_recomputed_and_vectorbt(quick_run):
    _, out = quick_run
    doc = json.loads((out / "metrics.json").read_text())
    returns = pd.read_csv(out / "returns.csv", index_col=0, parse_dates=True)
    assert set(doc["strategies"]) == set(returns.columns)
    for name, m in doc["strategies"].items():
        for key in ["sharpe", "ann_return", "ann_vol", "sortino", "max_drawdown", "calmar", "turnover"]:
            assert key in m
        recomputed = sharpe(returns[name].dropna(), 252)
        assert m["sharpe"] == pytest.approx(recomputed, rel=1e-12)
        assert m["sharpe"] == pytest.approx(m["vectorbt_sharpe"], rel=1e-9)
        assert f"{m['sharpe']:.2f}" in (out / "report.md").read_text()


def test_weights_rows_are_decision_dates_and_sum_to_one(quick_run):
    _, out = quick_run
    w = pd.read_csv(out / "weights" / "mv.csv", index_col=0, parse_dates=True)
    dates = load_prices("sp500").index
    month_last = dates.to_series().groupby(dates.to_period("M")).max()
    assert set(w.index) <= set(month_last)  # the last trading day of each month
    np.testing.assert_allclose(w.sum(axis=1), 1.0, atol=1e-9)
    assert (w >= -1e-12).all().all() and (w <= 0.25 + 1e-8).all().all()
    returns = pd.read_csv(out / "returns.csv", index_col=0, parse_dates=True)
    assert returns.index[0] > w.index[0]  # traded on the bar after the first decision


def test_forecast_strategies_record_their_refits(quick_run):
    _, out = quick_run
    doc = json.loads((out / "metrics.json").read_text())
    for name in ["kamnn", "lstm", "transformer", "linear"]:
        m = doc["strategies"][name]
        assert m["n_fits"] == len(m["fits"]) == math.ceil(m["n_rebalances"] / 12)  # yearly refits
        assert -1 <= m["val_ic_mean"] <= 1 and m["n_fallbacks"] == 0
    assert doc["strategies"]["ew"]["n_fits"] == 0


def test_forecasting_strategies_are_tested_against_every_baseline(quick_run):
    _, out = quick_run
    doc = json.loads((out / "metrics.json").read_text())
    pairs = {(c["strategy"], c["baseline"]) for c in doc["comparisons"]}
    for s in ["kamnn", "transformer", "linear"]:
        assert {(s, b) for b in ["ew", "mv", "minvar", "lstm"]} <= pairs
    assert ("lstm", "lstm") not in pairs and ("ew", "mv") not in pairs
    for c in doc["comparisons"]:
        assert c["ci_low"] <= c["diff"] <= c["ci_high"] and 0 < c["p_value"] <= 1
        assert c["significant"] == (c["p_value"] < 0.05)
    for m in doc["strategies"].values():
        assert 0 <= m["dsr"] <= m["psr"] + 1e-12 <= 1 + 1e-12 and m["n_trials"] == len(doc["strategies"])
    report = (out / "report.md").read_text()
    assert "## Is the difference real?" in report and "The claim is" in report
    assert (out.parent / "registry.jsonl").exists()


def test_manifest_makes_the_run_self_describing(quick_run):
    _, out = quick_run
    man = json.loads((out / "metrics.json").read_text())["manifest"]
    assert man["seed"] == 0 and man["config"]["quick"] is True
    assert len(man["data"]["fingerprint"]) == 64 and man["data"]["source"] == "sp500"
    assert {"python", "kamfin", "numpy", "pandas", "vectorbt", "cvxpy"} <= set(man["versions"])


def write_csv(path, frame):
    frame.to_csv(path)
    return str(path)


def bad_files(tmp_path, small_prices):
    p = small_prices.iloc[:300].copy()
    cases = {}
    x = p.copy(); x.iloc[100, 1] = -3.0
    cases["non-positive"] = (write_csv(tmp_path / "neg.csv", x), "prices for JNJ are non-positive on")
    x = pd.concat([p.iloc[:50], p.iloc[49:50], p.iloc[50:]])
    cases["duplicated"] = (write_csv(tmp_path / "dup.csv", x), "appears more than once")
    x = p.iloc[[*range(0, 20), 25, *range(20, 25), *range(26, 300)]]
    cases["unsorted"] = (write_csv(tmp_path / "unsorted.csv", x), "not ascending")
    x = p.copy(); x["XOM"] = np.nan
    cases["all-missing"] = (write_csv(tmp_path / "empty_col.csv", x), "column XOM")
    x = p.copy(); x.iloc[100:120, 0] = np.nan
    cases["gap"] = (write_csv(tmp_path / "gap.csv", x), "prices for AAPL are missing for 20 bars")
    text = (tmp_path / "neg.csv").read_text().splitlines()
    text[5] = "31/31/2012" + text[5][10:]
    (tmp_path / "baddate.csv").write_text("\n".join(text))
    cases["unparsable"] = (str(tmp_path / "baddate.csv"), "unparsable date '31/31/2012'")
    return cases


@pytest.mark.parametrize("case", ["non-positive", "duplicated", "unsorted", "all-missing", "gap", "unparsable"])
def test_bad_price_files_exit_2_with_one_line(tmp_path, small_prices, case):
    path, message = bad_files(tmp_path, small_prices)[case]
    proc = run_cli("backtest", "--prices", path, "--out", str(tmp_path / "out"))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kamfin: error: ") and message in lines[0], proc.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--rebalance", "Y"], "not one of D, W, M, Q"),
        (["--strategies", "ew,magic"], "unknown strategy 'magic'"),
        (["--prices", "nowhere.csv"], "does not exist"),
        (["--prices", "bloomberg"], "unknown price source"),
        (["--start", "2020-02-30"], "is not a date"),
        (["--fees-bps", "abc"], "invalid float value"),
        (["--no-such-flag"], "unrecognized arguments"),
        (["--config", "missing.toml"], "config file missing.toml does not exist"),
        (["--start", "2022-06-01"], "no decision date after the 504-bar warm-up"),
    ],
)
def test_bad_flags_exit_2_with_one_line(tmp_path, args, message):
    proc = run_cli("backtest", *args, "--out", str(tmp_path / "out"))
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in proc.stderr


def test_failed_run_keeps_the_earlier_result(tmp_path, small_prices):
    good = write_csv(tmp_path / "good.csv", small_prices)
    out = tmp_path / "out"
    first = run_cli("backtest", "--prices", good, "--strategies", "ew,minvar", "--out", str(out))
    assert first.returncode == 0, first.stderr
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    bad, _ = bad_files(tmp_path, small_prices)["non-positive"]
    second = run_cli("backtest", "--prices", bad, "--strategies", "ew,minvar", "--out", str(out))
    assert second.returncode == 2
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".out")) == []


def test_failure_while_writing_leaves_no_trace(tmp_path, small_prices, monkeypatch):
    from kamfin.config import make_config
    from kamfin.report import outputs
    from kamfin.runner import run_backtest

    cfg = make_config({"prices": write_csv(tmp_path / "p.csv", small_prices), "strategies": "ew"})
    result = run_backtest(cfg)
    out = tmp_path / "out"
    outputs.write_run(result, out)
    before = (out / "metrics.json").read_bytes()

    def explode(result, folder):
        (folder / "metrics.json").write_text("{half")
        raise OSError("disk full")

    monkeypatch.setattr(outputs, "write_files", explode)
    with pytest.raises(OSError):
        outputs.write_run(result, out)
    assert (out / "metrics.json").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


def test_same_config_and_seed_give_identical_numbers(tmp_path, small_prices):
    from kamfin.config import make_config
    from kamfin.runner import run_backtest

    cfg = make_config({"prices": write_csv(tmp_path / "p.csv", small_prices), "strategies": "ew,mv,minvar"})
    a, b = run_backtest(cfg), run_backtest(cfg)
    pd.testing.assert_frame_equal(a.returns, b.returns, check_exact=True)
    for name in a.runs:
        pd.testing.assert_frame_equal(a.runs[name].walk.weights, b.runs[name].walk.weights, check_exact=True)
    assert a.manifest["data"]["fingerprint"] == b.manifest["data"]["fingerprint"]


def test_late_starting_asset_is_left_out_until_it_has_history(tmp_path, small_prices):
    from kamfin.config import make_config
    from kamfin.runner import run_backtest

    prices = small_prices.copy()
    prices.loc[:"2016-06-30", "MSFT"] = np.nan  # lists mid-2016
    cfg = make_config({"prices": write_csv(tmp_path / "late.csv", prices), "strategies": "ew,mv,minvar"})
    result = run_backtest(cfg)
    ready = prices.index[prices["MSFT"].notna()][cfg.lookback]  # first date with a full window
    for name, run in result.runs.items():
        w = run.walk.weights["MSFT"]
        assert (w.loc[: ready - pd.Timedelta(days=1)] == 0).all(), name
        assert np.isfinite(run.sim.returns).all()
    assert (result.runs["ew"].walk.weights["MSFT"].loc[ready:] > 0).all()


def test_solver_fallbacks_are_recorded_and_reported(tmp_path, small_prices):
    config = tmp_path / "tight.toml"
    config.write_text("cap = 0.1\n")  # 6 assets x 0.1 < 1: every optimisation is infeasible
    out = tmp_path / "out"
    proc = run_cli("backtest", "--config", str(config), "--prices", write_csv(tmp_path / "p.csv", small_prices),
                   "--strategies", "ew,mv", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((out / "metrics.json").read_text())
    events = [e for e in doc["events"] if e["strategy"] == "mv"]
    assert len(events) == doc["strategies"]["mv"]["n_rebalances"] == doc["strategies"]["mv"]["n_fallbacks"]
    assert "infeasible" in events[0]["message"] and "kept 1/N" in events[0]["message"]
    assert doc["strategies"]["ew"]["n_fallbacks"] == 0
    report = (out / "report.md").read_text()
    assert "## Fallbacks" in report and f"| {events[0]['date']} | mv |" in report
    assert "fallback: mv" in proc.stdout


def test_seeds_trade_the_average_of_the_seed_portfolios(tmp_path, small_prices):
    from kamfin.backtest.engine import Schedule, walk_forward
    from kamfin.config import make_config
    from kamfin.data import MarketView
    from kamfin.report.outputs import trial_records
    from kamfin.runner import run_backtest
    from kamfin.strategy.registry import build_strategy

    prices = small_prices.loc[:"2016-12-31"]
    base = {"prices": write_csv(tmp_path / "p.csv", prices), "strategies": "ew,kamnn,linear", "epochs": 1,
            "warmup": 252, "lookback": 126}
    result = run_backtest(make_config(base | {"seeds": "0,1"}))
    m = result.runs["kamnn"].metrics
    assert set(m["seed_sharpes"]) == {"0", "1"} and m["seed_sharpe_std"] >= 0
    sched = Schedule(warmup=252)
    single = [walk_forward(build_strategy("kamnn", make_config(base | {"seed": s})), MarketView(prices), sched).weights
              for s in (0, 1)]
    pd.testing.assert_frame_equal(result.runs["kamnn"].walk.weights, (single[0] + single[1]) / 2)
    names = {r["strategy"] for r in trial_records(result)}
    assert names == {"ew", "linear", "kamnn", "kamnn@seed0", "kamnn@seed1"}
    assert "seed_sharpes" not in result.runs["ew"].metrics
    assert "seed_sharpes" not in result.runs["linear"].metrics  # deterministic: one run is enough


def test_null_market_audit_through_the_command_line(tmp_path, small_prices):
    out = tmp_path / "null"
    proc = run_cli("backtest", "--null-market", "--prices", write_csv(tmp_path / "p.csv", small_prices),
                   "--strategies", "ew,mv,minvar", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((out / "metrics.json").read_text())
    assert doc["manifest"]["config"]["null_market"] is True
    assert doc["manifest"]["data"]["source"].startswith("null market from")
    assert {(c["strategy"], c["baseline"]) for c in doc["comparisons"]} == {
        ("ew", "minvar"), ("mv", "minvar"), ("mv", "ew"), ("minvar", "ew")}
    assert "NULL-MARKET AUDIT" in (out / "report.md").read_text()
