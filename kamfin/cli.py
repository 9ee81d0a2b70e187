"""The ``kamfin`` command line.

Exit codes: 0 success; 2 bad input or configuration (one line on stderr naming the
problem and the fix, no traceback); 1 unexpected internal error.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from kamfin.errors import KamfinError

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT = 0, 1, 2


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    """argparse that reports a bad flag as one line (exit 2) instead of usage + error."""

    def error(self, message: str):
        raise UsageError(f"{message}; see '{self.prog} --help'")


def build_parser() -> argparse.ArgumentParser:
    root = Parser(prog="kamfin", description="Walk-forward portfolio backtests scored with vectorbt.")
    sub = root.add_subparsers(dest="command", required=True, parser_class=Parser)

    bt = sub.add_parser("backtest", help="run a walk-forward backtest and write its report")
    bt.add_argument("--config", help="TOML file of RunConfig keys (flags override it)")
    bt.add_argument("--prices", help="sp500 (embedded, default) | yf:AAPL,MSFT | path.csv | path.parquet")
    bt.add_argument("--strategies", help="comma-separated names: ew, mv, minvar, index, or a file in strategies/")
    bt.add_argument("--start", help="first date of data used, YYYY-MM-DD")
    bt.add_argument("--end", help="last date of data used, YYYY-MM-DD")
    bt.add_argument("--rebalance", help="D | W | M | Q (default M)")
    bt.add_argument("--fees-bps", dest="fees_bps", type=float, help="fee per trade in basis points (default 10)")
    bt.add_argument("--slippage-bps", dest="slippage_bps", type=float, help="slippage per trade in basis points (default 5)")
    bt.add_argument("--seed", type=int, help="seed of every stochastic piece (default 0)")
    bt.add_argument("--seeds", help="several seeds, e.g. 0,1,2: learning strategies run under each and trade the seed average")
    bt.add_argument("--quick", action="store_true", default=None, help=f"short run on recent data")
    bt.add_argument("--null-market", dest="null_market", action="store_true", default=None,
                    help="audit: run on synthetic prices with the data's covariance and no predictability")
    bt.add_argument("--out", help="output folder (default backtests/results/<run-id>)")

    dyn = sub.add_parser("dynamics", help="measure the design sketch's dynamical-systems claims")
    dyn.add_argument("--systems", default="lorenz,double_pendulum,solar_irradiance,enso",
                     help="comma-separated: lorenz, double_pendulum, solar_irradiance, enso")
    dyn.add_argument("--quick", action="store_true", help="short series and few epochs (under a minute)")
    dyn.add_argument("--seeds", default=None, help="seeds of the neural models (default 0,1,2; --quick: 0)")
    dyn.add_argument("--out", default="backtests/results/dynamics", help="output folder")

    data = sub.add_parser("data", help="market data commands")
    dsub = data.add_subparsers(dest="data_command", required=True, parser_class=Parser)
    fetch = dsub.add_parser("fetch", help="download adjusted closes from Yahoo Finance into the cache")
    fetch.add_argument("tickers", nargs="+", metavar="TICKER")
    fetch.add_argument("--start", help="YYYY-MM-DD (default 2000-01-01)")
    fetch.add_argument("--end", help="YYYY-MM-DD, exclusive (default today)")
    fetch.add_argument("--refresh", action="store_true", help="download even if the cache covers the range")
    fetch.add_argument("--cache-dir", default="data_cache", help="cache folder (default data_cache)")
    return root


def cmd_backtest(args: argparse.Namespace) -> int:
    from kamfin.config import load_toml, make_config

    overrides = load_toml(args.config) if args.config else {}
    for key in ("prices", "strategies", "start", "end", "rebalance", "fees_bps", "slippage_bps", "seed", "seeds", "quick", "null_market"):
        value = getattr(args, key)
        if value is not None:
            overrides[key] = value
    cfg = make_config(overrides)

    from kamfin.report.outputs import write_run
    from kamfin.report.render import text_table
    from kamfin.runner import run_backtest

    t0 = time.perf_counter()
    result = run_backtest(cfg, progress=True)
    out = Path(args.out) if args.out else Path("backtests/results") / result.manifest["run_id"]
    folder = write_run(result, out)
    print(text_table({n: r.metrics for n, r in result.runs.items()}))
    for note in result.notes:
        print(f"note: {note}")
    for event in result.events[:5]:
        print(f"fallback: {event.strategy} {event.date:%Y-%m-%d}: {event.message}")
    print(f"\n{len(result.runs)} strategies in {time.perf_counter() - t0:.1f}s; report: {folder / 'report.html'}")
    return EXIT_OK


def cmd_dynamics(args: argparse.Namespace) -> int:
    from kamfin.errors import ConfigError

    systems = tuple(s.strip() for s in args.systems.split(",") if s.strip())
    known = ("lorenz", "double_pendulum", "solar_irradiance", "enso")
    unknown = [s for s in systems if s not in known]
    if unknown or not systems:
        raise ConfigError(f"unknown system {unknown[0] if unknown else '(none)'!r}; choose from {', '.join(known)}")
    try:
        seeds = tuple(int(s) for s in args.seeds.split(",")) if args.seeds else ((0,) if args.quick else (0, 1, 2))
    except ValueError:
        raise ConfigError(f"--seeds {args.seeds!r} is not a list of integers; write e.g. --seeds 0,1,2") from None
    if len(set(seeds)) != len(seeds) or min(seeds) < 0:
        raise ConfigError("--seeds must be distinct non-negative integers, e.g. --seeds 0,1,2")

    from kamfin.dynamics.report import run_dynamics

    t0 = time.perf_counter()
    folder = run_dynamics(systems, args.quick, seeds, args.out)
    md = (folder / "dynamics.md").read_text()
    section = md.split("## Claimed against measured")[1].split("\n## ")[0] if "## Claimed against measured" in md else ""
    print(section.strip())
    print(f"\n{len(systems)} systems in {time.perf_counter() - t0:.1f}s; table: {folder / 'dynamics.md'}")
    return EXIT_OK


def cmd_data_fetch(args: argparse.Namespace) -> int:
    from kamfin.data import YahooCache

    cache = YahooCache(args.cache_dir)
    for ticker in args.tickers:
        close = cache.get(ticker, args.start, args.end, refresh=args.refresh)
        print(f"{ticker.upper()}: {len(close)} rows, {close.index[0]:%Y-%m-%d} to {close.index[-1]:%Y-%m-%d} -> {cache.path(ticker)}")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.command == "backtest":
            return cmd_backtest(args)
        if args.command == "dynamics":
            return cmd_dynamics(args)
        return cmd_data_fetch(args)
    except (UsageError, KamfinError) as exc:
        print(f"kamfin: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("kamfin: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
