"""report.md and a self-contained report.html (plots embedded as base64 PNG)."""
from __future__ import annotations

import base64
import html
import math
from pathlib import Path

from kamfin.data.embedded import SURVIVORSHIP_NOTE

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
    if isinstance(value, float) and math.isnan(value):
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
        "Sharpe differences are not tested for significance in this report; treat small gaps as noise.",
    ]
    return lines


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
    md.append("| " + " | ".join(header) + " |")
    md.append("|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|")
    md += ["| " + " | ".join(r) + " |" for r in rows]
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
    parts.append("<h2>Results</h2><table><tr>" + "".join(f"<th>{esc(h)}</th>" for h in header) + "</tr>")
    parts += ["<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>" for r in rows]
    parts.append("</table><h2>Fallbacks</h2>")
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
