"""Transformer baseline: causal encoder over the window, forecast from the last position."""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from kamfin.models.heads import _squeeze


@dataclass
class TransformerConfig:
    n_features: int = 2
    n_outputs: int = 1  # forecasts per sample; 1 gives shape (batch,)
    d_model: int = 16
    n_heads: int = 2
    layers: int = 2
    ff: int = 32
    max_len: int = 64  # longest window


class TransformerModel(nn.Module):
    def __init__(self, config: TransformerConfig):
        super().__init__()
        c = self.config = config
        self.inp = nn.Linear(c.n_features, c.d_model)
        self.pos = nn.Parameter(0.02 * torch.randn(c.max_len, c.d_model))  # learned positions
        layer = nn.TransformerEncoderLayer(c.d_model, c.n_heads, c.ff, dropout=0.0, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, c.layers, enable_nested_tensor=False)
        self.head = nn.Linear(c.d_model, c.n_outputs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, T, _ = x.shape
        h = self.inp(x) + self.pos[:T]  # (B, T, d_model)
        mask = nn.Transformer.generate_square_subsequent_mask(T, device=x.device, dtype=x.dtype)
        h = self.encoder(h, mask=mask, is_causal=True)
        return _squeeze(self.head(h[:, -1]))  # (B,) or (B, n_outputs)
