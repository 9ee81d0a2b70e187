"""Training cost of KAMNN against LSTM and Transformer at matched parameter counts.

Prints, per model: parameters, time of one training epoch at several batch sizes (the
same 20,000 samples of 20-bar windows through ``kamfin.forecast.training.train_epoch``,
the loop that training runs: forward, backward, gradient clipping, fused AdamW step), and
time of one walk-forward fold (a full ``NeuralForecaster.fit`` on ten years of the
embedded data at the training batch size: features, scaler, 6 epochs, validation IC). Times are
medians over interleaved repeats so that machine noise hits every model alike. The
design sketch claims about 30% overhead for the symplectic structure: the goal is
KAMNN <= 1.3x LSTM. The ratio depends on the batch size (PyTorch's fused CPU LSTM gains
little from larger batches; KAMNN's many small operations do), so all are shown.

Run: python benchmarks/bench_models.py [--repeats 5]
"""
from __future__ import annotations

import argparse
import platform
import time

import numpy as np
import torch

from kamfin.data import load_prices
from kamfin.forecast import NeuralForecaster, TrainConfig
from kamfin.forecast.training import make_optimizer, train_epoch
from kamfin.models import MODELS

BATCHES = (256, 512, 1024, 2048)
NAMES = ("kamnn", "lstm", "transformer")


def epoch_time(model: torch.nn.Module, X: torch.Tensor, y: torch.Tensor, batch: int = 512) -> float:
    """One training epoch exactly as kamfin trains (fused AdamW, clipping), at ``batch``."""
    cfg = TrainConfig(batch_size=batch)
    opt = make_optimizer(model, cfg)
    t = time.perf_counter()
    train_epoch(model, opt, X, y, torch.arange(len(y)), cfg)
    return time.perf_counter() - t


def cpu_name() -> str:
    """The CPU's model name: the ratios move with the machine (the LSTM's fused kernel most)."""
    try:
        with open("/proc/cpuinfo") as f:
            return next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or "unknown CPU"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    torch.manual_seed(0)
    X, y = torch.randn(20_000, 20, 2), torch.randn(20_000)
    models = {n: MODELS[n][0](MODELS[n][1]()) for n in NAMES}
    epochs = {(n, b): [] for n in NAMES for b in BATCHES}
    for n in NAMES:  # warm-up
        epoch_time(models[n], X[:2048], y[:2048])
    for _ in range(args.repeats):
        for b in BATCHES:
            for n in NAMES:
                epochs[n, b].append(epoch_time(models[n], X, y, b))
    train_batch = TrainConfig().batch_size

    prices = load_prices("sp500").loc["1998-01-01":"2007-12-31"]
    folds = {n: [] for n in NAMES}
    for _ in range(max(1, args.repeats // 2)):
        for n in NAMES:
            f = NeuralForecaster(n, train=TrainConfig(epochs=6, patience=6))  # fixed 6 epochs
            t = time.perf_counter()
            f.fit(prices)
            folds[n].append(time.perf_counter() - t)

    med = {k: float(np.median(v)) for k, v in epochs.items()}
    lstm_fold = np.median(folds["lstm"])
    head = f"{'model':<12} {'params':>7} " + " ".join(f"{f'epoch s @{b}':>13}" for b in BATCHES) + f" {'fold s':>7} {'x LSTM':>7}"
    print(head)
    print("-" * len(head))
    for n in NAMES:
        params = sum(p.numel() for p in models[n].parameters())
        cells = " ".join(f"{med[n, b]:>6.2f} ({med[n, b] / med['lstm', b]:.2f}x)" for b in BATCHES)
        f = np.median(folds[n])
        print(f"{n:<12} {params:>7} {cells} {f:>7.2f} {f / lstm_fold:>6.2f}x")
    print(f"\n(x) = ratio to LSTM at the same batch size. epoch: 20,000 samples x 20 bars; fold: fit on "
          f"1998-2007, 20 assets, 6 epochs, batch {train_batch}; torch {torch.__version__}, {torch.get_num_threads()} threads, "
          f"{cpu_name()} ({torch.backends.cpu.get_cpu_capability()} kernels)")
    for b in BATCHES:
        ratio = med["kamnn", b] / med["lstm", b]
        print(f"KAMNN / LSTM per epoch at batch {b:>4}: {ratio:.2f}x (goal <= 1.3x: {'met' if ratio <= 1.3 else 'not met'})"
              + ("   <- training batch size" if b == train_batch else ""))


if __name__ == "__main__":
    main()
