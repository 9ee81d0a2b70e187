"""Neural forecasters (KAMNN, LSTM, Transformer) on volatility-scaled labels, trained by
``kamfin.forecast.training.train_regressor`` on the time-ordered split of
``WindowForecaster``."""
from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch

from kamfin.features import FeatureSpec, Samples
from kamfin.forecast.base import WindowForecaster
from kamfin.forecast.training import TrainConfig, predict_batched, train_regressor, val_loss
from kamfin.models import MODELS


class NeuralForecaster(WindowForecaster):
    def __init__(
        self,
        model: str = "kamnn",
        model_config: dict | None = None,
        train: TrainConfig = TrainConfig(),
        spec: FeatureSpec = FeatureSpec(),
        val_fraction: float = 0.2,
        seed: int = 0,
        progress: bool = False,
    ):
        super().__init__(spec, val_fraction)
        if model not in MODELS:
            raise ValueError(f"unknown model {model!r}; choose from {', '.join(MODELS)}")
        self.model, self.model_config, self.train = model, dict(model_config or {}), train
        self.seed, self.progress = seed, progress

    def build_model(self) -> torch.nn.Module:
        model_cls, config_cls = MODELS[self.model]
        return model_cls(config_cls(**{"n_features": 2, **self.model_config}))

    def _fit(self, train: Samples, val: Samples) -> None:
        cfg = self.train
        if len(train) > cfg.max_train:  # keep the most recent samples
            train = train.subset(np.argsort(train.date_pos, kind="stable")[-cfg.max_train :])
        tensors = [torch.from_numpy(a) for a in (train.X, train.y.astype(np.float32), val.X, val.y.astype(np.float32))]
        self.net_, self.val_history_ = train_regressor(
            self.build_model, *tensors, cfg=cfg, seed=self.seed, progress=self.progress, desc=f"train {self.model}"
        )

    def _loss(self, net, X, y) -> float:
        return val_loss(net, X, y)

    def _scores(self, X: np.ndarray) -> np.ndarray:
        X = torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32))
        return predict_batched(self.net_, X).numpy().astype("float64")

    # checkpoints: tensors and plain values only, so torch.load(..., weights_only=True) reads them
    def save(self, path: str | Path) -> None:
        torch.save(
            {
                "model": self.model,
                "model_config": self.model_config,
                "spec": asdict(self.spec),
                "state_dict": self.net_.state_dict(),
                "scaler_mean": torch.from_numpy(self.scaler_[0]),
                "scaler_std": torch.from_numpy(self.scaler_[1]),
                "ic": self.ic_,
                "seed": self.seed,
            },
            path,
        )

    @classmethod
    def load(cls, path: str | Path) -> "NeuralForecaster":
        ckpt = torch.load(path, weights_only=True)
        out = cls(ckpt["model"], ckpt["model_config"], spec=FeatureSpec(**ckpt["spec"]), seed=ckpt["seed"])
        out.net_ = out.build_model()
        out.net_.load_state_dict(ckpt["state_dict"])
        out.net_.eval()
        out.scaler_ = (ckpt["scaler_mean"].numpy(), ckpt["scaler_std"].numpy())
        out.ic_ = ckpt["ic"]
        return out
