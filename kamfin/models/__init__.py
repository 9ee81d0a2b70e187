"""Return forecasters' networks: KAMNN and its LSTM / Transformer baselines.

Every model maps a window of features ``(batch, time, n_features)`` to one forecast per
sample ``(batch,)``; the training loop lives in ``kamfin.forecast``, not here.
"""
from __future__ import annotations

from kamfin.models.kamnn import KAMNN, KAMNNConfig
from kamfin.models.lstm import LSTMConfig, LSTMModel
from kamfin.models.transformer import TransformerConfig, TransformerModel

# name -> (model class, config class)
MODELS = {
    "kamnn": (KAMNN, KAMNNConfig),
    "lstm": (LSTMModel, LSTMConfig),
    "transformer": (TransformerModel, TransformerConfig),
}

__all__ = ["KAMNN", "KAMNNConfig", "LSTMConfig", "LSTMModel", "MODELS", "TransformerConfig", "TransformerModel"]
