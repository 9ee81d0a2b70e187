"""Scoring a weights table with vectorbt: the only module that imports vectorbt.

A row of target weights decided at the close of ``t`` is traded at the close of the next
bar (``orders_table``), with ``Portfolio.from_orders(size_type="targetpercent",
cash_sharing=True, call_seq="auto")``, proportional fees and slippage. Returns are the
portfolio's simple returns per bar from the first execution bar on, fees included.

Assets that start trading late have leading NaN prices; their weight is 0 by construction
until they are priced, so those cells are filled with the first price only to let vectorbt
value a zero position.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Simulation:
    returns: pd.Series  # simple returns per bar, first execution bar onwards
    turnover: float  # mean one-way turnover per rebalance after the first (0.5 sum|traded| / value)
    turnover_annual: float  # one-way turnover per year, first entry excluded
    fees_paid: float  # sum over trades of fee / portfolio value: wealth fraction paid in fees
    vbt_sharpe: float  # vectorbt's own Sharpe of ``returns`` (cross-check)


def orders_table(prices: pd.DataFrame, weights: pd.DataFrame) -> pd.DataFrame:
    """Target percents on the bar after each decision date; NaN (no order) elsewhere.

    A decision on the last bar has no next bar and is dropped.
    """
    pos = prices.index.get_indexer(weights.index)
    if (pos < 0).any():
        raise ValueError("every decision date must be a date of the price table")
    keep = pos + 1 < len(prices.index)
    orders = pd.DataFrame(np.nan, index=prices.index, columns=prices.columns)
    orders.iloc[pos[keep] + 1] = weights.reindex(columns=prices.columns).fillna(0.0).to_numpy()[keep]
    return orders


def simulate(
    prices: pd.DataFrame,
    weights: pd.DataFrame,
    fees_bps: float,
    slippage_bps: float,
    periods_per_year: int,
    init_cash: float = 1_000_000.0,
) -> Simulation:
    import vectorbt as vbt

    orders = orders_table(prices, weights)
    close = prices.bfill()  # only leading NaNs remain after validation; their weight is 0
    pf = vbt.Portfolio.from_orders(
        close,
        size=orders,
        size_type="targetpercent",
        group_by=True,
        cash_sharing=True,
        call_seq="auto",
        fees=fees_bps / 1e4,
        slippage=slippage_bps / 1e4,
        init_cash=init_cash,
        freq="1D",
    )
    first = orders.notna().any(axis=1).to_numpy().argmax()
    rets = pf.returns().iloc[first:].rename(None)
    value = pf.value()
    rec = pf.orders.records_arr  # structured array: idx, size, price, fees, ...
    traded = pd.Series(np.abs(rec["size"] * rec["price"])).groupby(rec["idx"]).sum()
    exec_bars = np.flatnonzero(orders.notna().any(axis=1).to_numpy())
    per_rebalance = (traded.reindex(exec_bars).fillna(0.0) / value.to_numpy()[exec_bars]) / 2
    later = per_rebalance.iloc[1:]
    years = len(rets) / periods_per_year
    vbt_sharpe = rets.vbt.returns(freq="1D", year_freq=f"{periods_per_year} days").sharpe_ratio()
    return Simulation(
        returns=rets,
        turnover=float(later.mean()) if len(later) else 0.0,
        turnover_annual=float(later.sum() / years) if years > 0 else 0.0,
        fees_paid=float((rec["fees"] / value.to_numpy()[rec["idx"]]).sum()),
        vbt_sharpe=float(vbt_sharpe),
    )
