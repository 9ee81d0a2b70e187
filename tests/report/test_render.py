from __future__ import annotations

from kamfin.report.render import claim_line


def doc(kamnn_sharpe, diff, ratio, significant, best="mv"):
    strategies = {"ew": {"sharpe": 0.8}, "mv": {"sharpe": 0.9}, "minvar": {"sharpe": 0.85}, "kamnn": {"sharpe": kamnn_sharpe}}
    comparisons = [{"strategy": "kamnn", "baseline": best, "sharpe": kamnn_sharpe, "sharpe_baseline": 0.9, "diff": diff,
                    "ratio_pct": ratio, "ci_low": diff - 0.2, "ci_high": diff + 0.2, "p_value": 0.01 if significant else 0.4,
                    "significant": significant}]
    return {"strategies": strategies, "comparisons": comparisons}


def test_claim_needs_23_percent_and_significance_against_the_best_classical_baseline():
    assert claim_line(doc(1.2, 0.3, 33.0, True)).endswith("The claim is supported.")
    assert claim_line(doc(1.2, 0.3, 33.0, False)).endswith("The claim is not supported.")
    assert claim_line(doc(1.0, 0.1, 11.0, True)).endswith("The claim is not supported.")
    line = claim_line(doc(0.7, -0.2, -22.0, False))
    assert "0.70 against 0.90 for mv" in line and "-22%" in line


def test_no_claim_line_without_kamnn():
    assert claim_line({"strategies": {"ew": {"sharpe": 1.0}}, "comparisons": []}) is None
