"""LSTM baseline: window (batch, time, n_features) -> forecast (batch,) from the last state."""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from kamfin.models.heads import _squeeze


@dataclass
class LSTMConfig:
    n_features: int = 2
    n_outputs: int = 1  # forecasts per sample; 1 gives shape (batch,)
    hidden: int = 36  # sized so the parameter count is close to KAMNN's defaults
    layers: int = 1


class LSTMModel(nn.Module):
    def __init__(self, config: LSTMConfig):
        super().__init__()
        self.config = config
        self.lstm = nn.LSTM(config.n_features, config.hidden, config.layers, batch_first=True)
        self.head = nn.Linear(config.hidden, config.n_outputs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.lstm(x)  # (B, T, hidden)
        return _squeeze(self.head(out[:, -1]))  # (B,) or (B, n_outputs)
