"""Performance metrics and (later) statistical comparisons of strategies."""
from __future__ import annotations

from kamfin.evaluate.metrics import METRICS, ann_return, ann_vol, calmar, max_drawdown, sharpe, sortino, summarize

__all__ = ["METRICS", "ann_return", "ann_vol", "calmar", "max_drawdown", "sharpe", "sortino", "summarize"]
