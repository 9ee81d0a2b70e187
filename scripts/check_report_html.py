"""Open a kamfin report.html in headless Chromium and check that it renders cleanly:
no console errors, no page errors, no failed requests, and every image decoded.

Usage: python scripts/check_report_html.py PATH/report.html [--chromium /usr/bin/chromium]
Exit 0 when clean; 1 with one line per problem otherwise. Needs Debian's chromium package
and the playwright Python package (no browser download: it drives the system Chromium).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def check(report: Path, chromium: str = "/usr/bin/chromium") -> tuple[list[str], int]:
    """(problems, number of images) for one report."""
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=FLAGS)
        page = browser.new_page()
        page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: problems.append(f"failed request: {r.url[:80]}"))
        page.goto(report.resolve().as_uri(), wait_until="load")
        images = page.eval_on_selector_all("img", "els => els.map(e => [e.alt, e.complete && e.naturalWidth > 0])")
        problems += [f"image not rendered: {alt}" for alt, ok in images if not ok]
        if not page.title().startswith("kamfin report"):
            problems.append(f"unexpected title {page.title()!r}")
        browser.close()
    return problems, len(images)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    problems, n_images = check(args.report, args.chromium)
    for p in problems:
        print(p)
    print(f"{args.report}: {n_images} images, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
