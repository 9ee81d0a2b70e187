"""Run outputs: metrics.json, returns.csv, weights/, report.md, report.html and plots."""
