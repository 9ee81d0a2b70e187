"""The HTML report renders in headless Chromium: no console errors, every image present."""
from __future__ import annotations

import importlib.util
import shutil
import sys

import pytest

from tests.conftest import REPO

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or importlib.util.find_spec("playwright") is None,
    reason="needs Debian's chromium and the playwright package (.ci/run installs both)",
)


def load_checker():
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import check_report_html
    finally:
        sys.path.pop(0)
    return check_report_html


def test_report_renders_without_errors(tmp_path, small_prices):
    from kamfin.config import make_config
    from kamfin.report.outputs import write_run
    from kamfin.runner import run_backtest

    path = tmp_path / "p.csv"
    small_prices.to_csv(path)
    cfg = make_config({"prices": str(path), "strategies": "ew,minvar,linear", "warmup": 252, "lookback": 252})
    out = write_run(run_backtest(cfg), tmp_path / "run")
    problems, n_images = load_checker().check(out / "report.html", CHROMIUM)
    assert problems == []
    assert n_images == len(list(out.glob("*.png"))) >= 6


def test_the_checker_catches_a_broken_image(tmp_path):
    page = tmp_path / "report.html"
    page.write_text("<!DOCTYPE html><html><head><title>kamfin report x</title></head><body>"
                    "<img alt='broken' src='data:image/png;base64,AAAA'></body></html>")
    problems, n_images = load_checker().check(page, CHROMIUM)
    assert n_images == 1 and any("broken" in p for p in problems)
