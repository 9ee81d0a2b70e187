"""The one training loop of kamfin's neural models (forecasters and dynamics alike).

Mean squared error; AdamW with weight decay; gradient clipping; early stopping on a
validation set, keeping the best epoch's weights. Reproducible on the CPU: the seed drives
initialisation and shuffling inside ``torch.random.fork_rng``, so the caller's global
random state is left untouched.
"""
from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass

import torch
from tqdm.auto import tqdm


@dataclass(frozen=True)
class TrainConfig:
    epochs: int = 6  # upper bound; early stopping usually ends sooner
    batch_size: int = 512
    lr: float = 2e-3
    weight_decay: float = 1e-4
    clip: float = 1.0  # max gradient norm
    patience: int = 2  # epochs without validation improvement before stopping
    max_train: int = 20_000  # most recent training samples kept (bounds the cost of a fit)


def predict_batched(net: torch.nn.Module, X: torch.Tensor, chunk: int = 4096) -> torch.Tensor:
    net.eval()
    with torch.no_grad():
        return torch.cat([net(part) for part in X.split(chunk)]) if len(X) else torch.zeros(0)


def val_loss(net: torch.nn.Module, X: torch.Tensor, y: torch.Tensor) -> float:
    return float(torch.nn.functional.mse_loss(predict_batched(net, X), y))


def make_optimizer(net: torch.nn.Module, cfg: TrainConfig) -> torch.optim.Optimizer:
    return torch.optim.AdamW(net.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay, fused=True)


def train_epoch(
    net: torch.nn.Module, opt: torch.optim.Optimizer, X: torch.Tensor, y: torch.Tensor, order: torch.Tensor, cfg: TrainConfig
) -> None:
    """One pass over the samples in ``order`` (a permutation of range(len(y))), in batches
    of ``cfg.batch_size``: mean squared error, backward, gradient clipping, optimizer step."""
    net.train()
    for idx in order.split(cfg.batch_size):
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(net(X[idx]), y[idx])
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), cfg.clip)
        opt.step()


def train_regressor(
    build: Callable[[], torch.nn.Module],
    X: torch.Tensor,
    y: torch.Tensor,
    X_val: torch.Tensor,
    y_val: torch.Tensor,
    cfg: TrainConfig,
    seed: int,
    progress: bool = False,
    desc: str = "train",
) -> tuple[torch.nn.Module, list[float]]:
    """(best network, validation loss per epoch). ``build`` makes the untrained network."""
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        net = build()
        gen = torch.Generator().manual_seed(seed)
        opt = make_optimizer(net, cfg)
        best, best_state, stale, history = float("inf"), copy.deepcopy(net.state_dict()), 0, []
        bar = tqdm(range(cfg.epochs), desc=desc, unit="epoch", leave=False, disable=None if progress else True)
        for _ in bar:
            train_epoch(net, opt, X, y, torch.randperm(len(y), generator=gen), cfg)
            current = val_loss(net, X_val, y_val)
            history.append(current)
            bar.set_postfix(val_mse=f"{current:.4f}")
            if current < best - 1e-6:
                best, best_state, stale = current, copy.deepcopy(net.state_dict()), 0
            else:
                stale += 1
                if stale >= cfg.patience:
                    break
    net.load_state_dict(best_state)
    net.eval()
    return net, history
