"""Shared output convention of the model family."""
from __future__ import annotations

import torch


def _squeeze(y: torch.Tensor) -> torch.Tensor:
    """(batch, 1) -> (batch,) for single forecasts; (batch, k) stays as it is."""
    return y.squeeze(-1) if y.shape[-1] == 1 else y
