"""Walk-forward engine: decision dates -> one target-weights row per date.

At each decision date ``t`` the strategy receives ``view.serve(t)`` (rows ``<= t``, read
only) and the current holdings drifted to ``t``; nothing else reaches it. Strategies that
learn are refitted every ``refit_every`` decisions on an expanding window (all rows
``<= t``) or a rolling one (the last ``train_bars`` rows). An ``OptimizationError`` never
stops a backtest: the previous target (1/N of the assets priced at ``t`` at the start) is
kept, and the event is recorded.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from kamfin.backtest.schedule import rebalance_dates
from kamfin.data.view import MarketView
from kamfin.errors import ConfigError, OptimizationError
from kamfin.strategy.base import Strategy, equal_weights


@dataclass(frozen=True)
class Schedule:
    rebalance: str = "M"  # D | W | M | Q
    warmup: int = 504  # bars of history before the first decision (the decision bar is extra)
    start: pd.Timestamp | None = None  # first decision no earlier than this
    refit_every: int = 12  # decisions between refits of a learning strategy
    window: str = "expanding"  # expanding | rolling training window
    train_bars: int = 2520  # rolling window length, bars

    def __post_init__(self):
        if self.window not in ("expanding", "rolling"):
            raise ConfigError(f"unknown training window {self.window!r}; use expanding or rolling")
        if self.refit_every < 1 or self.warmup < 2 or self.train_bars < 2:
            raise ConfigError("refit_every must be >= 1, warmup and train_bars >= 2")

    def decision_dates(self, dates: pd.DatetimeIndex) -> pd.DatetimeIndex:
        candidates = rebalance_dates(dates, self.rebalance)
        first_allowed = dates[self.warmup] if len(dates) > self.warmup else None
        if first_allowed is None:
            return candidates[:0]
        keep = candidates >= first_allowed
        if self.start is not None:
            keep &= candidates >= self.start
        return candidates[keep]


@dataclass(frozen=True)
class Event:
    date: pd.Timestamp
    strategy: str
    kind: str  # "fallback"
    message: str

    def to_dict(self) -> dict:
        return {"date": f"{self.date:%Y-%m-%d}", "strategy": self.strategy, "kind": self.kind, "message": self.message}


@dataclass(frozen=True)
class WalkForward:
    weights: pd.DataFrame  # (n_decisions, n_assets), index = decision dates
    events: tuple[Event, ...] = field(default=())
    fit_dates: tuple[pd.Timestamp, ...] = field(default=())


def drift(weights: pd.Series, history: pd.DataFrame, since: pd.Timestamp) -> pd.Series:
    """Holdings ``weights`` set at ``since`` after prices moved to the last row of ``history``."""
    growth = (history.iloc[-1] / history.loc[since]).reindex(weights.index).fillna(1.0)
    value = weights * growth
    total = value.sum()
    return value / total if total > 0 else weights


def walk_forward(
    strategy: Strategy, view: MarketView, schedule: Schedule, progress: bool = False
) -> WalkForward:
    dates = schedule.decision_dates(view.dates)
    rows, events, fits = [], [], []
    target: pd.Series | None = None
    last: pd.Timestamp | None = None
    for i, t in enumerate(tqdm(dates, desc=f"{strategy.name:>12}", unit="rebal", disable=None if progress else True, leave=False)):
        history = view.serve(t)
        if strategy.learns and i % schedule.refit_every == 0:
            train = history if schedule.window == "expanding" else history.iloc[-schedule.train_bars:]
            strategy.fit(train)
            fits.append(t)
        holdings = None if target is None else drift(target, history, last)
        try:
            w = strategy.decide(history, holdings)
        except OptimizationError as exc:
            w = equal_weights(history) if target is None else target
            kept = "1/N" if target is None else "previous weights"
            events.append(Event(t, strategy.name, "fallback", f"{exc}; kept {kept}"))
        w = w.reindex(view.tickers).fillna(0.0)
        if not np.isfinite(w.to_numpy()).all() or abs(w.sum() - 1.0) > 1e-6:
            raise RuntimeError(f"strategy {strategy.name} returned weights that do not sum to 1 on {t:%Y-%m-%d}")
        rows.append(w.rename(t))
        target, last = w, t
    table = pd.DataFrame(rows, columns=view.tickers)
    table.index = pd.DatetimeIndex(dates, name="date")
    return WalkForward(table, tuple(events), tuple(fits))
