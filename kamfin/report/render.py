"""report.md and a self-contained report.html (plots embedded as base64 PNG).

``blocks(doc, plots)`` builds the report once as a list of blocks, ("h2", text),
("p", text), ("table", header, rows), ("img", title, file) and ("ul", items); the two
renderers only format them.
"""
from __future__ import annotations

import base64
import html
import math
from pathlib import Path

from kamfin.data.embedded import SURVIVORSHIP_NOTE
from kamfin.runner import null_market_suspects

CLAIM_PCT = 23.0  # the design sketch: "23% higher Sharpe ratios than traditional approaches"
CLASSICAL = ("ew", "mv", "minvar")
SHOWN_EVENTS = 20  # fallback rows in the report; metrics.json keeps them all

# (metrics.json key, column header, format)
COLUMNS = [
    ("sharpe", "Sharpe", "{:.2f}"),
    ("ann_return", "Ann. return", "{:.1%}"),
    ("ann_vol", "Ann. vol", "{:.1%}"),
    ("sortino", "Sortino", "{:.2f}"),
    ("max_drawdown", "Max DD", "{:.1%}"),
    ("calmar", "Calmar", "{:.2f}"),
    ("turnover", "Turnover/rebal", "{:.1%}"),
    ("fees_paid", "Fees paid", "{:.2%}"),
    ("n_fallbacks", "Fallbacks", "{:d}"),
]


def fmt(value, spec: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if value in ("inf", float("inf")):
        return "never"
    return spec.format(value)


def table_rows(metrics: dict) -> tuple[list[str], list[list[str]]]:
    header = ["Strategy"] + [c[1] for c in COLUMNS]
    rows = [[name] + [fmt(m[key], spec) for key, _, spec in COLUMNS] for name, m in metrics.items()]
    return header, rows


def text_table(metrics: dict) -> str:
    """Aligned plain-text table for the terminal."""
    header, rows = table_rows(metrics)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = lambda cells: "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def claim_line(doc: dict) -> str | None:
    """Whether the sketch's 23% claim holds for KAMNN against the best classical baseline."""
    metrics = doc["strategies"]
    classical = [b for b in CLASSICAL if b in metrics]
    if "kamnn" not in metrics or not classical:
        return None
    best = max(classical, key=lambda b: metrics[b]["sharpe"])
    c = next((c for c in doc["comparisons"] if c["strategy"] == "kamnn" and c["baseline"] == best), None)
    if c is None:
        return None
    supported = c["ratio_pct"] >= CLAIM_PCT and c["significant"] and c["diff"] > 0
    return (
        f"The design sketch claims {CLAIM_PCT:g}% higher Sharpe ratios than traditional approaches. "
        f"On this data KAMNN's Sharpe is {c['sharpe']:.2f} against {c['sharpe_baseline']:.2f} for {best}, the best "
        f"classical baseline: {c['ratio_pct']:+.0f}%, difference {c['diff']:+.2f} (95% interval {c['ci_low']:+.2f} to "
        f"{c['ci_high']:+.2f}, p = {c['p_value']:.2f}). The claim is {'supported' if supported else 'not supported'}."
    )


def summary_lines(doc: dict) -> list[str]:
    metrics, manifest = doc["strategies"], doc["manifest"]
    cfg, data = manifest["config"], manifest["data"]
    first = min(m["first_date"] for m in metrics.values())
    last = max(m["last_date"] for m in metrics.values())
    best = max(metrics, key=lambda n: -math.inf if metrics[n]["sharpe"] is None else metrics[n]["sharpe"])
    lines = [
        f"Out-of-sample period {first} to {last}; data {data['source']} ({len(data['tickers'])} assets, "
        f"{data['first_date']} to {data['last_date']}), rebalanced {cfg['rebalance']}, decisions at the close "
        f"of t traded at the close of t+1, fees {cfg['fees_bps']:g} bps and slippage {cfg['slippage_bps']:g} bps per trade.",
        f"Highest Sharpe: {best} ({metrics[best]['sharpe']:.2f})."
        + (f" 1/N (ew): {metrics['ew']['sharpe']:.2f}." if "ew" in metrics else ""),
    ]
    if doc["comparisons"]:
        n_sig = sum(c["significant"] for c in doc["comparisons"])
        lines.append(f"{n_sig} of {len(doc['comparisons'])} Sharpe differences tested below are significant at 5% "
                     "(Ledoit-Wolf studentized block bootstrap).")
    if cfg.get("null_market"):
        lines.append(null_market_line(doc))
    else:
        claim = claim_line(doc)
        if claim:
            lines.append(claim)
    return lines


def null_market_line(doc: dict) -> str:
    suspects = null_market_suspects(doc["comparisons"])
    head = ("NULL-MARKET AUDIT: these prices are synthetic, iid returns with the data's covariance and one common mean, "
            "so nothing is predictable and minimum variance is the best portfolio there is. ")
    if not suspects:
        return head + "No strategy beats minimum variance beyond chance: no sign of look-ahead or overfitting."
    return head + (f"{', '.join(suspects)} beat{'s' if len(suspects) == 1 else ''} minimum variance beyond chance "
                   "(p < 0.05): suspect look-ahead or overfitting.")


def caveats(doc: dict) -> list[str]:
    out = ["Sharpe = mean / std (ddof=1) of daily simple returns x sqrt(252), risk-free rate 0; "
           "the figures equal those recomputed from returns.csv."]
    if doc["manifest"]["data"]["source"] == "sp500" and not doc["manifest"]["config"].get("null_market"):
        out.append(SURVIVORSHIP_NOTE)
    if len(doc["manifest"]["config"].get("seeds") or []) < 2 and any("forecast" in m for m in doc["strategies"].values()):
        out.append("The neural strategies ran under one seed; seeds move Sharpe ratios by several hundredths "
                   "(run with --seeds 0,1,2 for mean +- std).")
    return out + doc["manifest"].get("notes", [])


def blocks(doc: dict, plots: dict[str, str]) -> list[tuple]:
    m = doc["strategies"]
    out: list[tuple] = [("p", f"Run {doc['manifest']['run_id']}.")]
    out += [("p", line) for line in summary_lines(doc)]
    out += [("h2", "Results"), ("table", *table_rows(m))]
    if "equity" in plots:
        out += [("img", "Equity curves (log scale)", plots["equity"]), ("img", "Drawdowns", plots["drawdown"])]
    if doc["comparisons"]:
        out += [
            ("h2", "Is the difference real?"),
            ("p", "Paired tests of each Sharpe difference on the same days, annualised. Intervals and p-values from the "
                  "Ledoit-Wolf (2008) studentized circular block bootstrap; the HAC delta method and Jobson-Korkie-Memmel "
                  "(which assumes iid normal returns) beside them."),
            ("table", ["Strategy", "vs", "Sharpe", "Baseline Sharpe", "Difference", "Ratio", "95% interval",
                       "p (bootstrap)", "p (HAC)", "p (JKM)", "Significant"],
             [[c["strategy"], c["baseline"], f"{c['sharpe']:.2f}", f"{c['sharpe_baseline']:.2f}", f"{c['diff']:+.2f}",
               fmt(c["ratio_pct"], "{:+.0f}%"), f"{c['ci_low']:+.2f} to {c['ci_high']:+.2f}", f"{c['p_value']:.3f}",
               f"{c['p_hac']:.3f}", f"{c['p_jkm']:.3f}", "yes" if c["significant"] else "no"] for c in doc["comparisons"]]),
        ]
        if "forest" in plots:
            out.append(("img", "Sharpe differences with 95% intervals", plots["forest"]))
    seeded = {n: x for n, x in m.items() if "seed_sharpes" in x}
    if seeded:
        out += [("h2", "Across seeds"),
                ("p", "Each learning strategy ran once per seed; the portfolio traded and tested above averages the "
                      "seeds' weights."),
                ("table", ["Strategy", "Seeds", "Sharpe per seed", "Mean +- std", "Seed-averaged portfolio"],
                 [[n, ", ".join(x["seed_sharpes"]), ", ".join(f"{v:.2f}" for v in x["seed_sharpes"].values()),
                   f"{x['seed_sharpe_mean']:.2f} +- {x['seed_sharpe_std']:.2f}", f"{x['sharpe']:.2f}"] for n, x in seeded.items()])]
    forecasting = {n: x["forecast"] for n, x in m.items() if "forecast" in x}
    if forecasting:
        out += [("h2", "Forecast quality, out of sample"),
                ("p", "At each decision date, the model's scores against the realised next-period returns. R^2 of the "
                      "calibrated forecasts against a zero forecast and against each asset's trailing mean; hit rate of "
                      "the forecasts' signs. For scale: Gu, Kelly & Xiu (2020) report about 0.4% monthly R^2 for the best "
                      "stock-level models, Qlib about 0.03 IC for LSTMs on CSI300."),
                ("table", ["Model", "IC", "IC IR", "IC t", "Rank IC", "Rank IC t", "R^2 vs 0", "R^2 vs hist. mean",
                           "Hit rate", "Mean validation IC"],
                 [[n, fmt(f["ic"]["mean"], "{:.3f}"), fmt(f["ic"]["ir"], "{:.2f}"), fmt(f["ic"]["t"], "{:.2f}"),
                   fmt(f["rank_ic"]["mean"], "{:.3f}"), fmt(f["rank_ic"]["t"], "{:.2f}"), fmt(f["oos_r2_vs_zero"], "{:.2%}"),
                   fmt(f["oos_r2_vs_hist_mean"], "{:.2%}"), fmt(f["hit_rate"], "{:.1%}"), fmt(m[n].get("val_ic_mean"), "{:.3f}")]
                  for n, f in forecasting.items()])]
        if "ic" in plots:
            out.append(("img", "IC per model", plots["ic"]))
    out += [("h2", "Probabilistic and deflated Sharpe"),
            ("p", "PSR: probability that the true Sharpe exceeds 0, given length, skewness and kurtosis. DSR: the same "
                  "against the best Sharpe expected from N unskilled trials, N counted from every configuration, strategy "
                  "and seed run on this data (the run registry)."),
            ("table", ["Strategy", "PSR (SR > 0)", "DSR", "Trials N", "Min. track record (years)"],
             [[n, fmt(x["psr"], "{:.3f}"), fmt(x.get("dsr"), "{:.3f}"), str(x.get("n_trials", "")),
               fmt(x["min_track_record_years"], "{:.1f}")] for n, x in m.items()])]
    if doc.get("subperiods"):
        names = list(m)
        out += [("h2", "Sub-periods"), ("p", "Annualised Sharpe per block of five calendar years."),
                ("table", ["Period"] + names,
                 [[p] + [fmt(v.get(n), "{:.2f}") for n in names] for p, v in doc["subperiods"].items()])]
    if "rolling" in plots:
        out.append(("img", "Rolling one-year Sharpe", plots["rolling"]))
    if doc.get("cost_sensitivity"):
        names = list(m)
        out += [("h2", "Costs"),
                ("p", "Sharpe of the same weights re-simulated at each cost per trade (fees, no slippage). Breakeven: the "
                      "cost at which a strategy's Sharpe falls to 1/N's ('n/a': below 1/N even at zero cost; 'never': "
                      "still above at 50 bps)."),
                ("table", ["Cost (bps)"] + names,
                 [[c] + [fmt(v.get(n), "{:.2f}") for n in names] for c, v in doc["cost_sensitivity"].items()]
                 + [["breakeven vs ew"] + [fmt(m[n].get("breakeven_bps_vs_ew"), "{:.1f} bps") if n != "ew" else "" for n in names]])]
    if "weights" in plots:
        out.append(("img", "Weights over time", plots["weights"]))
    out.append(("h2", "Fallbacks"))
    events = doc["events"]
    if events:
        out.append(("table", ["date", "strategy", "what happened"],
                    [[e["date"], e["strategy"], e["message"]] for e in events[:SHOWN_EVENTS]]))
        if len(events) > SHOWN_EVENTS:
            out.append(("p", f"... and {len(events) - SHOWN_EVENTS} more; metrics.json lists them all."))
    else:
        out.append(("p", "None: every optimisation was solved."))
    man = doc["manifest"]
    out += [("h2", "Caveats"), ("ul", caveats(doc)), ("h2", "Reproduce"),
            ("ul", ([f"command: {man['command']}"] if man.get("command") else [])
             + [f"config digest {man['config_digest'][:16]}, seed {man['seed']}",
                f"data fingerprint {man['data']['fingerprint'][:16]}",
                "versions: " + ", ".join(f"{k} {v}" for k, v in man["versions"].items())])]
    return out


def markdown(doc: dict, plots: dict[str, str]) -> str:
    md = ["# kamfin backtest report", ""]
    for kind, *rest in blocks(doc, plots):
        if kind == "h2":
            md += [f"## {rest[0]}", ""]
        elif kind == "p":
            md += [rest[0], ""]
        elif kind == "table":
            header, rows = rest
            md += ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
            md += ["| " + " | ".join(r) + " |" for r in rows] + [""]
        elif kind == "img":
            md += [f"![{rest[0]}]({rest[1]})", ""]
        elif kind == "ul":
            md += [f"- {item}" for item in rest[0]] + [""]
    return "\n".join(md)


def html_report(doc: dict, plots: dict[str, str], folder: Path) -> str:
    esc = html.escape
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>kamfin report {esc(doc['manifest']['run_id'])}</title>",
        "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}"
        "table{border-collapse:collapse;margin:0.5em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}"
        "td:first-child,th:first-child{text-align:left}img{max-width:100%}</style></head><body>",
        "<h1>kamfin backtest report</h1>",
    ]
    for kind, *rest in blocks(doc, plots):
        if kind == "h2":
            parts.append(f"<h2>{esc(rest[0])}</h2>")
        elif kind == "p":
            parts.append(f"<p>{esc(rest[0])}</p>")
        elif kind == "table":
            header, rows = rest
            parts.append("<table><tr>" + "".join(f"<th>{esc(h)}</th>" for h in header) + "</tr>"
                         + "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>" for r in rows) + "</table>")
        elif kind == "img":
            data = base64.b64encode((folder / rest[1]).read_bytes()).decode()
            parts.append(f"<figure><img alt='{esc(rest[0])}' src='data:image/png;base64,{data}'>"
                         f"<figcaption>{esc(rest[0])}</figcaption></figure>")
        elif kind == "ul":
            parts.append("<ul>" + "".join(f"<li>{esc(i)}</li>" for i in rest[0]) + "</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)
