"""A market with no predictability, for the null-market audit.

Daily simple returns are drawn iid from N(m 1, Sigma): Sigma is the Ledoit-Wolf
covariance of the real returns and m their grand mean, the same for every asset. Nothing
about the future can be learnt from the past, and, all means being equal, the
maximum-Sharpe portfolio is the minimum-variance one (under the same caps). A strategy
that beats minimum variance on this market beyond chance has found something that is not
there: look-ahead or overfitting. Assets that start late keep their missing start.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.covariance import LedoitWolf


def null_market(prices: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Synthetic prices on the dates and tickers of ``prices``, seeded."""
    rets = prices.pct_change(fill_method=None).iloc[1:]
    complete = rets.dropna()
    cov = LedoitWolf().fit(complete.to_numpy()).covariance_
    mean = float(np.nanmean(rets.to_numpy()))
    rng = np.random.default_rng(seed)
    draws = rng.multivariate_normal(np.full(prices.shape[1], mean), cov, size=len(prices) - 1)
    levels = 100.0 * np.cumprod(np.vstack([np.ones(prices.shape[1]), 1.0 + draws]), axis=0)
    synthetic = pd.DataFrame(levels, index=prices.index, columns=prices.columns)
    return synthetic.where(prices.notna())
