"""KAM neural network (KAMNN): phase-space layers that keep the structure they promise.

The design sketch's pseudo-code does not run as written (a 2n x 2n matrix applied to an
n-vector, a softmax over complex logits); each component here is well-defined and its
property is tested in float64:

- ``SymplecticEmbedding(n)``: x (n) -> z = M [x; A x] (2n) with M a product of unit
  triangular symplectic matrices [[I, S], [0, I]] and [[I, 0], [S, I]], S = P + P'
  symmetric, Omega = [[0, I], [-I, 0]]. Each factor satisfies F' Omega F = Omega, so the
  product does, for any parameters: M is symplectic. These are SympNets' linear modules;
  five factors reach every symplectic matrix (arXiv:2108.00223). The default four
  have as many parameters as the generator S of M = exp(Omega S), and cost a few small
  matrix products instead of a matrix exponential and its Frechet derivative.
- ``KAMResNetBlock(d)``: shear couplings q <- q + f(p), p <- p + g(q) (triangular
  Jacobians, det 1), then Moser's twist map on each (q_i, p_i) pair: rotation by
  alpha(r^2), radius kept (r^2, not atan2, so it is smooth at 0). The whole block has
  Jacobian determinant 1; a plain x + F(x) does not.
- ``AdiabaticAttention(d)``: softmax over Re(q conj(k) e^{i(phi_i - phi_j)}) / sqrt(d),
  i.e. rotary rotation of 2-D pairs of q and k by phi_t = omega * t + beta * E_t, with
  learned frequencies omega and an energy E_t = mean(x_t^2). Rows sum to 1; with
  omega = beta = 0 it is scaled dot-product attention; a common shift of all time stamps
  cancels in phi_i - phi_j.
- ``TorusEmbedding(k)``: (cos(omega_k t + c_k), sin(omega_k t + c_k)) pairs on the unit
  circle, with frequencies that ``spectral_peaks`` can initialise from the FFT of the
  training window (frequency adaptation) and training then refines.
- Decay: volume preservation is the right prior for conservative systems (a double
  pendulum) and the wrong one for dissipative ones (Lorenz contracts volume at rate
  sigma + 1 + beta ~ 13.7) and for asset returns. With ``decay=True`` each block ends with
  a learned factor exp(mu dt) per coordinate (as Koopman networks do), so the network can
  learn to contract; its Jacobian determinant is then exp(sum(mu) dt), exactly.

References: Greydanus et al. 2019 (Hamiltonian NNs); Jin et al. 2020 (SympNets);
arXiv:2108.00223 (optimal unit triangular factorization of symplectic matrices);
Zhong et al. 2019 (Symplectic ODE-Net); Lusch et al. 2018 (deep Koopman); Su et al. 2021
(rotary position embedding).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from kamfin.models.heads import _squeeze


def omega_matrix(n: int, dtype=torch.float32) -> torch.Tensor:
    """The canonical symplectic form [[0, I], [-I, 0]], (2n, 2n)."""
    eye = torch.eye(n, dtype=dtype)
    zero = torch.zeros(n, n, dtype=dtype)
    return torch.cat([torch.cat([zero, eye], 1), torch.cat([-eye, zero], 1)], 0)


class SymplecticEmbedding(nn.Module):
    """(..., n) -> (..., 2n): lift to (q, p) = (x, A x), then apply a symplectic M."""

    def __init__(self, n: int, init_scale: float = 0.05, n_factors: int = 4):
        super().__init__()
        self.n = n
        self.lift = nn.Linear(n, n, bias=False)  # learned momenta p = A x
        self.P = nn.Parameter(init_scale * torch.randn(n_factors, n, n))  # S_k = P_k + P_k'
        self.register_buffer("omega", omega_matrix(n))

    def shears(self, q: torch.Tensor, p: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Apply M to the columns [q; p] (n, k): q <- q + S p and p <- p + S q in turn."""
        for k, P in enumerate(self.P):
            S = P + P.T
            if k % 2 == 0:
                q = q + S @ p  # [[I, S], [0, I]]
            else:
                p = p + S @ q  # [[I, 0], [S, I]]
        return q, p

    def symplectic_matrix(self) -> torch.Tensor:
        eye = torch.eye(2 * self.n, dtype=self.P.dtype, device=self.P.device)
        return torch.cat(self.shears(eye[: self.n], eye[self.n :]), dim=0)  # (2n, 2n)

    def matrix(self) -> torch.Tensor:
        """The whole linear map x -> z = M [x; A x] = (M [I; A]) x, (2n, n)."""
        eye = torch.eye(self.n, dtype=self.P.dtype, device=self.P.device)
        return torch.cat(self.shears(eye, self.lift.weight), dim=0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x @ self.matrix().T


def _mlp(m: int, hidden: int) -> nn.Sequential:
    net = nn.Sequential(nn.Linear(m, hidden), nn.Tanh(), nn.Linear(hidden, m))
    nn.init.zeros_(net[2].weight)  # start as the identity map
    nn.init.zeros_(net[2].bias)
    return net


class KAMResNetBlock(nn.Module):
    """Volume-preserving residual block on phase space (..., d), d = 2m."""

    def __init__(self, d: int, hidden: int = 32, decay: bool = False):
        super().__init__()
        if d % 2:
            raise ValueError(f"KAMResNetBlock needs an even width, got {d}")
        m = d // 2
        self.m = m
        self.f, self.g = _mlp(m, hidden), _mlp(m, hidden)
        # twist alpha(r^2) = a + b tanh(c r^2), one (a, b, c) per pair
        self.a = nn.Parameter(0.1 * torch.randn(m))
        self.b = nn.Parameter(0.1 * torch.randn(m))
        self.c = nn.Parameter(torch.ones(m))
        self.mu = nn.Parameter(torch.zeros(d)) if decay else None  # log decay rate per coordinate

    def twist_angle(self, r2: torch.Tensor) -> torch.Tensor:
        return self.a + self.b * torch.tanh(self.c * r2)

    def step(self, q: torch.Tensor, p: torch.Tensor, dt: float = 1.0) -> tuple[torch.Tensor, torch.Tensor]:
        """The block on canonical coordinates q, p (..., m): what ``forward`` applies."""
        q = q + self.f(p)  # shear: det 1
        p = p + self.g(q)  # shear: det 1
        phi = self.twist_angle(q * q + p * p)  # twist: area kept pair by pair
        cos, sin = torch.cos(phi), torch.sin(phi)
        q, p = q * cos - p * sin, q * sin + p * cos
        if self.mu is not None:
            decay = torch.exp(self.mu * dt)
            q, p = q * decay[: self.m], p * decay[self.m :]
        return q, p

    def forward(self, z: torch.Tensor, dt: float = 1.0) -> torch.Tensor:
        q, p = self.step(z[..., : self.m], z[..., self.m :], dt)
        return torch.cat([q, p], dim=-1)


def rotate_pairs(x: torch.Tensor, angle: torch.Tensor) -> torch.Tensor:
    """Rotate the pairs (x_i, x_{i+d/2}) of (..., d) by angle (..., d/2) (half-split
    layout, as in GPT-NeoX's rotary embedding: one concatenation, no interleaving)."""
    h = x.shape[-1] // 2
    x1, x2 = x[..., :h], x[..., h:]
    cos, sin = torch.cos(angle), torch.sin(angle)
    return torch.cat([x1 * cos - x2 * sin, x1 * sin + x2 * cos], dim=-1)


class AdiabaticAttention(nn.Module):
    """Self-attention over time whose phases follow learned frequencies and the energy."""

    def __init__(self, d: int, n_heads: int = 1, causal: bool = True):
        super().__init__()
        if d % (2 * n_heads):
            raise ValueError(f"width {d} must split into {n_heads} heads of even size")
        self.d, self.n_heads, self.causal = d, n_heads, causal
        self.qkv = nn.Linear(d, 3 * d)  # query, key and value projections (rows: q, k, v)
        self.out = nn.Linear(d, d)
        self.omega = nn.Parameter(1.0 / 10_000 ** (torch.arange(d // 2) / (d // 2)))  # learned frequencies
        self.beta = nn.Parameter(0.1 * torch.ones(d // 2))  # energy coupling of the phase

    @staticmethod
    def energy(x: torch.Tensor) -> torch.Tensor:
        """E_t = mean(x_t^2), (batch, time, 1)."""
        return x.square().sum(-1, keepdim=True) / x.shape[-1]

    def phases(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        """phi (batch, time, d/2) = omega t + beta E_t; ``t`` is (time,) shared by the
        batch, or (batch, time)."""
        return torch.addcmul(t[..., None] * self.omega, self.energy(x), self.beta)

    def attention(
        self, x: torch.Tensor, t: torch.Tensor | None = None, last_only: bool = False
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """(output (batch, time_q, d), weights (batch, heads, time_q, time)); with
        ``last_only`` only the last time step queries (time_q = 1)."""
        B, T, d = x.shape
        if t is None:
            t = torch.arange(T, dtype=x.dtype, device=x.device)
        if last_only:
            out, weights = self.last_query(x, t)
            return out[:, None], weights[:, :, None]
        h, dh = self.n_heads, d // self.n_heads
        phi = self.phases(x, t).view(B, T, h, dh // 2)
        q, k, v = self.qkv(x).view(B, T, 3, h, dh).unbind(2)  # each (B, T, h, dh)
        q, k, v = (rotate_pairs(q, phi).transpose(1, 2), rotate_pairs(k, phi).transpose(1, 2),
                   v.transpose(1, 2))  # (B, h, T, dh); pairs stay inside their head
        logits = q @ k.transpose(-1, -2) / math.sqrt(dh)  # (B, h, T, T)
        if self.causal:
            mask = torch.ones(T, T, dtype=torch.bool, device=x.device).triu(1)
            logits = logits.masked_fill(mask, float("-inf"))
        weights = torch.softmax(logits, dim=-1)
        out = (weights @ v).transpose(1, 2).reshape(B, T, d)
        return self.out(out), weights

    def last_query(
        self, x: torch.Tensor, t: torch.Tensor, A: torch.Tensor | None = None, s: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """The last step's row of ``attention`` over z = x A' + s: (output (batch, d),
        weights (batch, heads, time)). x is (batch, time, f), A (d, f), s (time, d);
        without A, z = x.

        z, the rotated keys and the values are never formed, which makes a narrow x
        (f < d) cheap: the keys are x (W_k A)' + (s W_k' + b_k); the energies are
        |x A' + s|^2 = x A'A x' + 2 x A' s + |s|^2; with c, s = cos, sin of the key
        phases and (a1, a2) the rotated query pair, Re(q_rot conj(k_rot)) =
        k1 (a1 c + a2 s) + k2 (a2 c - a1 s) pair by pair; and since the values are
        linear in z and the weights sum to 1, the output is the value projection of the
        weighted mean of z, (weights x) A' + weights s.
        """
        B, T, f = x.shape
        d, h = self.d, self.n_heads
        dh = d // h
        m = dh // 2
        if A is None:
            A = torch.eye(f, dtype=x.dtype, device=x.device)
            s = torch.zeros(T, f, dtype=x.dtype, device=x.device)
        w, b = self.qkv.weight, self.qkv.bias
        energy = ((x @ (A.T @ A) + 2 * (s @ A)) * x).sum(-1, keepdim=True)
        energy = (energy + s.square().sum(-1, keepdim=True)) / d  # (B, T, 1)
        phi = torch.addcmul(t[..., None] * self.omega, energy, self.beta)  # (B, T, d/2)
        c, sn = torch.cos(phi), torch.sin(phi)
        wk, bk = w[d : 2 * d].view(h, 2, m, d), b[d : 2 * d].view(h, 2, m)  # per head: halves 1, 2
        k1, k2 = (x @ (wk[:, i].reshape(h * m, d) @ A).T + (s @ wk[:, i].reshape(h * m, d).T + bk[:, i].reshape(h * m))
                  for i in (0, 1))  # (B, T, d/2)
        z_last = x[:, -1] @ A.T + s[..., -1, :]  # (B, d)
        q = nn.functional.linear(z_last, w[:d], b[:d]).view(B, h, 2, m)
        phi_q = torch.addcmul(t[..., -1:] * self.omega, energy[:, -1], self.beta).view(-1, h, m)
        cq, sq = torch.cos(phi_q), torch.sin(phi_q)
        a1 = (q[:, :, 0] * cq - q[:, :, 1] * sq).view(B, 1, h * m)
        a2 = (q[:, :, 0] * sq + q[:, :, 1] * cq).view(B, 1, h * m)
        dots = k1 * (a1 * c + a2 * sn) + k2 * (a2 * c - a1 * sn)  # (B, T, d/2)
        logits = dots.view(B, T, h, m).sum(-1) / math.sqrt(dh)  # (B, T, h)
        weights = torch.softmax(logits, dim=1).transpose(1, 2)  # (B, h, T)
        mean = (weights @ x) @ A.T + weights @ s  # (B, h, d): weighted mean of z
        out = torch.einsum("bhj,hij->bhi", mean, w[2 * d :].view(h, dh, d)) + b[2 * d :].view(h, dh)
        return self.out(out.reshape(B, d)), weights

    def forward(self, x: torch.Tensor, t: torch.Tensor | None = None, last_only: bool = False) -> torch.Tensor:
        return self.attention(x, t, last_only)[0]


class TorusEmbedding(nn.Module):
    """Time stamps t (...) -> (..., 2k) points on k unit circles, learned frequencies."""

    def __init__(self, k: int, max_period: float = 252.0):
        super().__init__()
        self.omega = nn.Parameter(2 * math.pi / torch.logspace(math.log10(5), math.log10(max_period), k))
        self.phase = nn.Parameter(torch.zeros(k))

    def forward(self, t: torch.Tensor) -> torch.Tensor:
        angle = t[..., None] * self.omega + self.phase
        return torch.cat([torch.cos(angle), torch.sin(angle)], dim=-1)

    @torch.no_grad()
    def init_frequencies(self, series: np.ndarray, dt: float = 1.0) -> None:
        """Frequency adaptation: start from the spectral peaks of a training window."""
        self.omega.copy_(torch.as_tensor(spectral_peaks(series, len(self.omega), dt), dtype=self.omega.dtype))


def spectral_peaks(series: np.ndarray, k: int, dt: float = 1.0) -> np.ndarray:
    """Angular frequencies of the ``k`` largest local maxima of |FFT| (DC excluded),
    refined by parabolic interpolation of the log magnitude around each peak."""
    x = np.asarray(series, dtype="float64")
    x = (x - x.mean()) * np.hanning(len(x))
    mag = np.log(np.abs(np.fft.rfft(x)) + 1e-12)
    inner = np.arange(2, len(mag) - 1)
    peaks = inner[(mag[inner] > mag[inner - 1]) & (mag[inner] >= mag[inner + 1])]
    top = peaks[np.argsort(mag[peaks])[::-1][:k]]
    a, b, c = mag[top - 1], mag[top], mag[top + 1]
    offset = 0.5 * (a - c) / (a - 2 * b + c)
    freq = (top + offset) / (len(x) * dt)
    out = 2 * np.pi * freq
    if len(out) < k:  # not enough peaks: fill with the lowest resolvable frequencies
        out = np.concatenate([out, 2 * np.pi * np.arange(1, k - len(out) + 1) / (len(x) * dt)])
    return out


@dataclass
class KAMNNConfig:
    n_features: int = 2  # inputs per time step
    n_outputs: int = 1  # forecasts per sample; 1 gives shape (batch,)
    width: int = 12  # m: the embedding lifts to a phase space of 2m coordinates
    n_blocks: int = 2  # KAM-ResNet blocks
    hidden: int = 24  # width of the shear MLPs
    n_freq: int = 4  # torus frequencies of the time stamps
    n_heads: int = 2
    decay: bool = True  # learned exp(mu dt): returns dissipate, so allow contraction


class KAMNN(nn.Module):
    """Window of features (batch, time, n_features) -> forecast (batch,).

    features (+ torus features of the time stamps) -> linear -> symplectic embedding of
    every step -> adiabatic attention from the last step over the window (the phase-space
    state at the decision time) -> KAM-ResNet blocks evolve that state -> linear head.
    The blocks act on the one state the forecast reads, so their cost does not grow with
    the window length.
    """

    def __init__(self, config: KAMNNConfig):
        super().__init__()
        self.config = c = config
        self.torus = TorusEmbedding(c.n_freq)
        self.inp = nn.Linear(c.n_features, c.width)
        self.inp_time = nn.Linear(2 * c.n_freq, c.width, bias=False)  # torus features of the time stamps
        self.embed = SymplecticEmbedding(c.width)
        self.blocks = nn.ModuleList(KAMResNetBlock(2 * c.width, c.hidden, c.decay) for _ in range(c.n_blocks))
        self.attn = AdiabaticAttention(2 * c.width, c.n_heads)
        self.head = nn.Linear(2 * c.width, c.n_outputs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        c, T = self.config, x.shape[1]
        t = torch.arange(T, dtype=x.dtype, device=x.device)  # time stamps within the window
        # z = embed(inp(x) + inp_time(torus(t))) = x Wx' + shift, with W the embedding's
        # matrix, Wx = W inp.weight and shift = (inp.bias + inp_time(torus(t))) W'
        W = self.embed.matrix()  # (2 width, width)
        Wx = W @ self.inp.weight  # (2 width, n_features)
        shift = (self.inp.bias + self.inp_time(self.torus(t))) @ W.T  # (T, 2 width)
        # z = x Wx' + shift (B, T, 2 width) is never formed: the attention reads it through Wx and shift
        z_last = x[:, -1] @ Wx.T + shift[-1]
        state = z_last + self.attn.last_query(x, t, Wx, shift)[0]  # (B, 2 width)
        q, p = state[:, : c.width], state[:, c.width :]
        for block in self.blocks:
            q, p = block.step(q, p)
        return _squeeze(self.head(torch.cat([q, p], dim=-1)))  # (B,) or (B, n_outputs)
