"""report.md and a self-contained report.html (plots embedded as base64 PNG)."""
from __future__ import annotations

import base64
import html
import math
from pathlib import Path

from kamfin.data.embedded import SURVIVORSHIP_NOTE

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
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
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


def summary_lines(doc: dict) -> list[str]:
    metrics, manifest = doc["strategies"], doc["manifest"]
    cfg, data = manifest["config"], manifest["data"]
    first = min(m["first_date"] for m in metrics.values())
    last = max(m["last_date"] for m in metrics.values())
    best = max(metrics, key=lambda n: -math.inf if math.isnan(metrics[n]["sharpe"]) else metrics[n]["sharpe"])
    lines = [
        f"Out-of-sample period {first} to {last}; data {data['source']} ({len(data['tickers'])} assets, "
        f"{data['first_date']} to {data['last_date']}), rebalanced {cfg['rebalance']}, decisions at the close "
        f"of t traded at the close of t+1, fees {cfg['fees_bps']:g} bps and slippage {cfg['slippage_bps']:g} bps per trade.",
        f"Highest Sharpe: {best} ({metrics[best]['sharpe']:.2f})."
        + (f" 1/N (ew): {metrics['ew']['sharpe']:.2f}." if "ew" in metrics else ""),
    ]
    if doc["comparisons"]:
        n_sig = sum(c["significant"] for c in doc["comparisons"])
        lines.append(
            f"{n_sig} of {len(doc['comparisons'])} Sharpe differences tested below are significant at 5% "
            "(Ledoit-Wolf studentized block bootstrap)."
        )
    claim = claim_line(doc)
    if claim:
        lines.append(claim)
    return lines


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


VERDICT_HEADER = ["Strategy", "vs", "Sharpe", "Baseline Sharpe", "Difference", "Ratio", "95% interval", "p (bootstrap)", "p (HAC)", "p (JKM)", "Significant"]


def verdict_rows(doc: dict) -> list[list[str]]:
    return [
        [c["strategy"], c["baseline"], f"{c['sharpe']:.2f}", f"{c['sharpe_baseline']:.2f}", f"{c['diff']:+.2f}",
         fmt(c["ratio_pct"], "{:+.0f}%"), f"{c['ci_low']:+.2f} to {c['ci_high']:+.2f}", f"{c['p_value']:.3f}",
         f"{c['p_hac']:.3f}", f"{c['p_jkm']:.3f}", "yes" if c["significant"] else "no"]
        for c in doc["comparisons"]
    ]


PSR_HEADER = ["Strategy", "PSR (SR > 0)", "DSR", "Trials N", "Min. track record (years)"]


def psr_rows(doc: dict) -> list[list[str]]:
    return [
        [n, fmt(m["psr"], "{:.3f}"), fmt(m.get("dsr", float("nan")), "{:.3f}"), str(m.get("n_trials", "")),
         fmt(m["min_track_record_years"], "{:.1f}")]
        for n, m in doc["strategies"].items()
    ]


def md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    return out + ["| " + " | ".join(r) + " |" for r in rows]


def html_table(header: list[str], rows: list[list[str]]) -> str:
    esc = html.escape
    head = "<tr>" + "".join(f"<th>{esc(h)}</th>" for h in header) + "</tr>"
    return "<table>" + head + "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>" for r in rows) + "</table>"


def caveats(doc: dict) -> list[str]:
    out = [
        "Sharpe = mean / std (ddof=1) of daily simple returns x sqrt(252), risk-free rate 0; "
        "the figures equal those recomputed from returns.csv.",
    ]
    if doc["manifest"]["data"]["source"] == "sp500":
        out.append(SURVIVORSHIP_NOTE)
    out += doc["manifest"].get("notes", [])
    return out


def markdown(doc: dict, plots: dict[str, str]) -> str:
    header, rows = table_rows(doc["strategies"])
    md = ["# kamfin backtest report", "", f"Run `{doc['manifest']['run_id']}`.", ""]
    md += summary_lines(doc) + ["", "## Results", ""]
    md += md_table(header, rows)
    if doc["comparisons"]:
        md += ["", "## Is the difference real?", "",
               "Paired tests of each Sharpe difference on the same days; annualised; 95% intervals and p-values "
               "from the Ledoit-Wolf (2008) studentized circular block bootstrap, with the HAC delta method and "
               "Jobson-Korkie-Memmel (iid normal) beside them.", ""]
        md += md_table(VERDICT_HEADER, verdict_rows(doc))
    md += ["", "## Probabilistic and deflated Sharpe", "",
           "PSR: probability that the true Sharpe exceeds 0 given length, skewness and kurtosis. DSR: the same against "
           "the best Sharpe expected from N unskilled trials, N counted from every configuration and strategy run on "
           "this data (the run registry).", ""]
    md += md_table(PSR_HEADER, psr_rows(doc))
    md += ["", "## Fallbacks", ""]
    events = doc["events"]
    if events:
        md += ["| date | strategy | what happened |", "|---|---|---|"]
        md += [f"| {e['date']} | {e['strategy']} | {e['message']} |" for e in events[:SHOWN_EVENTS]]
        if len(events) > SHOWN_EVENTS:
            md += ["", f"... and {len(events) - SHOWN_EVENTS} more; metrics.json lists them all."]
    else:
        md.append("None: every optimisation was solved.")
    md += ["", "## Plots", ""]
    md += [f"![{title}]({name})" for title, name in plots.items()]
    md += ["", "## Caveats", ""] + [f"- {c}" for c in caveats(doc)]
    man = doc["manifest"]
    md += [
        "", "## Reproduce", "",
        *([f"- command: `{man['command']}`"] if man.get("command") else []),
        f"- config digest `{man['config_digest'][:16]}`, seed {man['seed']}",
        f"- data fingerprint `{man['data']['fingerprint'][:16]}`",
        "- versions: " + ", ".join(f"{k} {v}" for k, v in man["versions"].items()),
        "",
    ]
    return "\n".join(md)


def html_report(doc: dict, plot_files: dict[str, Path]) -> str:
    esc = html.escape
    header, rows = table_rows(doc["strategies"])
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>kamfin report {esc(doc['manifest']['run_id'])}</title>",
        "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}"
        "td:first-child,th:first-child{text-align:left}img{max-width:100%}</style></head><body>",
        "<h1>kamfin backtest report</h1>",
        f"<p>Run <code>{esc(doc['manifest']['run_id'])}</code>.</p>",
    ]
    parts += [f"<p>{esc(line)}</p>" for line in summary_lines(doc)]
    parts.append("<h2>Results</h2>" + html_table(header, rows))
    if doc["comparisons"]:
        parts.append("<h2>Is the difference real?</h2><p>Paired tests of each Sharpe difference on the same days; "
                     "Ledoit-Wolf (2008) studentized circular block bootstrap, HAC delta method and Jobson-Korkie-Memmel.</p>")
        parts.append(html_table(VERDICT_HEADER, verdict_rows(doc)))
    parts.append("<h2>Probabilistic and deflated Sharpe</h2>" + html_table(PSR_HEADER, psr_rows(doc)))
    parts.append("<h2>Fallbacks</h2>")
    if doc["events"]:
        parts.append("<table><tr><th>date</th><th>strategy</th><th>what happened</th></tr>")
        parts += [f"<tr><td>{esc(e['date'])}</td><td>{esc(e['strategy'])}</td><td>{esc(e['message'])}</td></tr>"
                  for e in doc["events"][:SHOWN_EVENTS]]
        parts.append("</table>")
        if len(doc["events"]) > SHOWN_EVENTS:
            parts.append(f"<p>... and {len(doc['events']) - SHOWN_EVENTS} more; metrics.json lists them all.</p>")
    else:
        parts.append("<p>None: every optimisation was solved.</p>")
    parts.append("<h2>Plots</h2>")
    for title, path in plot_files.items():
        data = base64.b64encode(Path(path).read_bytes()).decode()
        parts.append(f"<figure><img alt='{esc(title)}' src='data:image/png;base64,{data}'><figcaption>{esc(title)}</figcaption></figure>")
    parts.append("<h2>Caveats</h2><ul>" + "".join(f"<li>{esc(c)}</li>" for c in caveats(doc)) + "</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)
