"""Training loop for the neural forecasters (KAMNN, LSTM, Transformer).

Mean squared error on volatility-scaled labels; Adam with weight decay; gradient
clipping; early stopping on the time-ordered validation split (the best epoch's weights
are kept). Reproducible on the CPU: the seed drives initialisation and shuffling inside
``torch.random.fork_rng``, so the caller's global random state is left untouched.
"""
from __future__ import annotations

import copy
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from tqdm.auto import tqdm

from kamfin.features import FeatureSpec, Samples
from kamfin.forecast.base import WindowForecaster
from kamfin.models import MODELS


@dataclass(frozen=True)
class TrainConfig:
    epochs: int = 6  # upper bound; early stopping usually ends sooner
    batch_size: int = 512
    lr: float = 2e-3
    weight_decay: float = 1e-4
    clip: float = 1.0  # max gradient norm
    patience: int = 2  # epochs without validation improvement before stopping
    max_train: int = 20_000  # most recent training samples kept (bounds the cost of a fit)


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
        Xtr, ytr = torch.from_numpy(train.X), torch.from_numpy(train.y.astype(np.float32))
        Xva, yva = torch.from_numpy(val.X), torch.from_numpy(val.y.astype(np.float32))
        with torch.random.fork_rng():
            torch.manual_seed(self.seed)
            net = self.build_model()
            gen = torch.Generator().manual_seed(self.seed)
            opt = torch.optim.AdamW(net.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay, fused=True)
            best, best_state, stale, history = float("inf"), copy.deepcopy(net.state_dict()), 0, []
            bar = tqdm(range(cfg.epochs), desc=f"train {self.model}", unit="epoch", leave=False, disable=None if self.progress else True)
            for _ in bar:
                net.train()
                for idx in torch.randperm(len(ytr), generator=gen).split(cfg.batch_size):
                    opt.zero_grad()
                    loss = torch.nn.functional.mse_loss(net(Xtr[idx]), ytr[idx])
                    loss.backward()
                    torch.nn.utils.clip_grad_norm_(net.parameters(), cfg.clip)
                    opt.step()
                val_loss = self._loss(net, Xva, yva)
                history.append(val_loss)
                bar.set_postfix(val_mse=f"{val_loss:.4f}")
                if val_loss < best - 1e-6:
                    best, best_state, stale = val_loss, copy.deepcopy(net.state_dict()), 0
                else:
                    stale += 1
                    if stale >= cfg.patience:
                        break
        net.load_state_dict(best_state)
        net.eval()
        self.net_, self.val_history_ = net, history

    def _loss(self, net, X, y) -> float:
        net.eval()
        with torch.no_grad():
            return float(torch.nn.functional.mse_loss(self._batched(net, X), y))

    def _batched(self, net, X: torch.Tensor) -> torch.Tensor:
        return torch.cat([net(chunk) for chunk in X.split(4096)]) if len(X) else torch.zeros(0)

    def _scores(self, X: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            return self._batched(self.net_, torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32))).numpy().astype("float64")

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
