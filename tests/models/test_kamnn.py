"""Each KAMNN component keeps the property it promises, checked in float64 on fresh inputs."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch.autograd.functional import jacobian

from kamfin.models import MODELS
from kamfin.models.kamnn import (
    KAMNN,
    AdiabaticAttention,
    KAMNNConfig,
    KAMResNetBlock,
    SymplecticEmbedding,
    TorusEmbedding,
    omega_matrix,
    spectral_peaks,
)


@pytest.fixture(autouse=True)
def seeded():
    with torch.random.fork_rng():
        torch.manual_seed(0)
        yield


@pytest.mark.parametrize("n", [1, 3, 6])
def test_symplectic_embedding_is_symplectic(n):
    emb = SymplecticEmbedding(n, init_scale=0.5).double()
    M = emb.symplectic_matrix()
    omega = omega_matrix(n, torch.float64)
    assert torch.allclose(M.T @ omega @ M, omega, atol=1e-5)
    x = torch.randn(4, 7, n, dtype=torch.float64)
    z = emb(x)
    assert z.shape == (4, 7, 2 * n)
    lifted = torch.cat([x, emb.lift(x)], -1)
    assert torch.allclose(z, lifted @ M.T)


def test_a_generic_matrix_is_not_symplectic():
    omega = omega_matrix(3, torch.float64)
    M = torch.eye(6, dtype=torch.float64) + 0.3 * torch.randn(6, 6, dtype=torch.float64)
    assert not torch.allclose(M.T @ omega @ M, omega, atol=1e-5)


def randomize(module, scale=0.5):
    with torch.no_grad():
        for p in module.parameters():
            p.add_(scale * torch.randn_like(p))
    return module


@pytest.mark.parametrize("d", [2, 6, 10])
def test_kam_block_preserves_volume(d):
    block = randomize(KAMResNetBlock(d, hidden=16).double())
    for _ in range(3):
        z = 2 * torch.randn(d, dtype=torch.float64)
        J = jacobian(block, z)
        assert abs(torch.linalg.det(J).item() - 1.0) < 1e-5


def test_plain_residual_block_is_not_volume_preserving():
    d = 6
    F_ = torch.nn.Sequential(torch.nn.Linear(d, 16), torch.nn.Tanh(), torch.nn.Linear(16, d)).double()
    randomize(F_)
    J = jacobian(lambda z: z + F_(z), torch.randn(d, dtype=torch.float64))
    assert abs(torch.linalg.det(J).item() - 1.0) > 1e-3


def test_twist_keeps_radius_and_is_smooth_at_zero():
    block = randomize(KAMResNetBlock(4).double())
    z = torch.randn(5, 4, dtype=torch.float64)
    with torch.no_grad():
        block.f[2].weight.zero_(); block.f[2].bias.zero_(); block.g[2].weight.zero_(); block.g[2].bias.zero_()
    out = block(z)
    r_in = z[:, :2] ** 2 + z[:, 2:] ** 2
    r_out = out[:, :2] ** 2 + out[:, 2:] ** 2
    assert torch.allclose(r_in, r_out)
    J0 = jacobian(block, torch.zeros(4, dtype=torch.float64))
    assert torch.isfinite(J0).all()


def test_learned_decay_contracts_volume_exactly():
    block = randomize(KAMResNetBlock(6, decay=True).double())
    J = jacobian(block, torch.randn(6, dtype=torch.float64))
    expected = math.exp(block.mu.sum().item())
    assert torch.linalg.det(J).item() == pytest.approx(expected, rel=1e-6)


def test_attention_rows_sum_to_one_and_are_causal():
    attn = randomize(AdiabaticAttention(8, n_heads=2).double(), 0.2)
    x = torch.randn(3, 9, 8, dtype=torch.float64)
    _, w = attn.attention(x)
    assert torch.allclose(w.sum(-1), torch.ones(3, 2, 9, dtype=torch.float64))
    assert (w.triu(1) == 0).all()


def test_zero_phases_give_scaled_dot_product_attention():
    attn = AdiabaticAttention(8, n_heads=2).double()
    with torch.no_grad():
        attn.omega.zero_(); attn.beta.zero_()
    x = torch.randn(2, 7, 8, dtype=torch.float64)
    out, _ = attn.attention(x)
    B, T, h, dh = 2, 7, 2, 4
    q, k, v = (y.view(B, T, h, dh).transpose(1, 2) for y in attn.qkv(x).chunk(3, dim=-1))
    ref = F.scaled_dot_product_attention(q, k, v, is_causal=True).transpose(1, 2).reshape(B, T, 8)
    assert torch.allclose(out, attn.out(ref), atol=1e-12)


@pytest.mark.parametrize("heads", [1, 2])
def test_shifting_time_stamps_leaves_attention_unchanged(heads):
    attn = randomize(AdiabaticAttention(8, n_heads=heads).double(), 0.2)
    x = torch.randn(2, 6, 8, dtype=torch.float64)
    t = torch.arange(6, dtype=torch.float64)
    assert torch.allclose(attn(x, t), attn(x, t + 123.4), atol=1e-9)
    assert not torch.allclose(attn(x, t), attn(x, 2 * t), atol=1e-6)


def test_phase_depends_on_learned_frequencies_and_energy():
    attn = AdiabaticAttention(8).double()
    with torch.no_grad():
        attn.beta.fill_(1.0)
    x = torch.randn(1, 6, 8, dtype=torch.float64)
    t = torch.arange(6, dtype=torch.float64)
    phi = attn.phases(x, t)
    assert torch.allclose(phi, attn.phases(x, t.expand(1, 6)))
    energy = (x * x).mean(-1, keepdim=True)
    assert torch.allclose(phi, t[None, :, None] * attn.omega + energy * attn.beta)
    # scaling one state changes its energy and so the attention pattern
    x2 = x.clone(); x2[0, 2] *= 3
    _, w1 = attn.attention(x, t)
    _, w2 = attn.attention(x2, t)
    assert not torch.allclose(w1[..., 2], w2[..., 2])
    out = attn(x, t).sum()
    out.backward()
    assert attn.omega.grad.abs().sum() > 0 and attn.beta.grad.abs().sum() > 0


@pytest.mark.parametrize("heads", [1, 2])
@pytest.mark.parametrize("per_sample_t", [False, True])
def test_last_step_attention_equals_the_last_row_of_full_attention(heads, per_sample_t):
    attn = randomize(AdiabaticAttention(8, n_heads=heads).double(), 0.2)
    x = torch.randn(3, 9, 8, dtype=torch.float64)
    t = torch.arange(9, dtype=torch.float64) + 3 * torch.rand(3, 1, dtype=torch.float64) if per_sample_t else None
    full, w_full = attn.attention(x, t)
    last, w_last = attn.attention(x, t, last_only=True)
    assert torch.allclose(last[:, 0], full[:, -1], atol=1e-12)
    assert torch.allclose(w_last[:, :, 0], w_full[:, :, -1], atol=1e-12)
    # the same row over z = u A' + s, read through A and s without forming z
    t = torch.arange(9, dtype=torch.float64) if t is None else t
    u, A, s = (torch.randn(*shape, dtype=torch.float64) for shape in ((3, 9, 3), (8, 3), (9, 8)))
    full, w_full = attn.attention(u @ A.T + s, t)
    last, w_last = attn.last_query(u, t, A, s)
    assert torch.allclose(last, full[:, -1], atol=1e-10)
    assert torch.allclose(w_last, w_full[:, :, -1], atol=1e-10)


def test_folded_forward_equals_the_layer_by_layer_composition():
    model = KAMNN(KAMNNConfig()).double()
    randomize(model, 0.1)
    x = torch.randn(4, 12, 2, dtype=torch.float64)
    t = torch.arange(12, dtype=torch.float64)
    z = model.embed(model.inp(x) + model.inp_time(model.torus(t)))
    state = z[:, -1] + model.attn(z, t)[:, -1]
    q, p = state[:, : model.config.width], state[:, model.config.width :]
    for block in model.blocks:
        q, p = block.step(q, p)
    expected = model.head(torch.cat([q, p], dim=-1)).squeeze(-1)
    assert torch.allclose(model(x), expected, atol=1e-10)


def test_torus_pairs_lie_on_the_unit_circle():
    tor = randomize(TorusEmbedding(5).double())
    e = tor(torch.linspace(-50, 500, 101, dtype=torch.float64))
    assert torch.allclose(e[..., :5] ** 2 + e[..., 5:] ** 2, torch.ones(101, 5, dtype=torch.float64))


def test_frequency_adaptation_recovers_a_planted_frequency():
    planted = 2 * math.pi / 37.3
    t = np.arange(400.0)
    rng = np.random.default_rng(0)
    y = np.sin(planted * t + 0.4) + 0.5 * np.sin(2 * math.pi / 9.1 * t) + 0.1 * rng.normal(size=len(t))
    tor = TorusEmbedding(2).double()
    tor.init_frequencies(y)
    start = tor.omega.detach().numpy().copy()
    with torch.no_grad():  # start 3% off, as a coarse FFT grid would
        tor.omega.mul_(torch.tensor([1.03, 0.98], dtype=torch.float64))
    head = torch.nn.Linear(4, 1).double()
    opt = torch.optim.Adam([*tor.parameters(), *head.parameters()], lr=2e-3)
    tt, yy = torch.tensor(t), torch.tensor(y)
    for _ in range(1500):
        opt.zero_grad()
        loss = ((head(tor(tt)).squeeze(-1) - yy) ** 2).mean()
        loss.backward()
        opt.step()
    learned = tor.omega.detach().numpy()
    nearest = learned[np.argmin(np.abs(learned - planted))]
    assert abs(start[np.argmin(np.abs(start - planted))] / planted - 1) < 0.02  # the FFT found it
    assert abs(nearest / planted - 1) < 0.002  # and training pinned it down


def test_spectral_peaks_find_the_strongest_frequencies():
    t = np.arange(1000.0)
    y = 2 * np.sin(0.3 * t) + np.sin(1.1 * t)
    np.testing.assert_allclose(np.sort(spectral_peaks(y, 2)), [0.3, 1.1], rtol=2e-3)


@pytest.mark.parametrize("name", ["kamnn", "lstm", "transformer"])
def test_models_map_windows_to_one_forecast_or_a_state(name):
    model_cls, config_cls = MODELS[name]
    assert model_cls(config_cls(n_features=3))(torch.randn(5, 20, 3)).shape == (5,)
    assert model_cls(config_cls(n_features=3, n_outputs=3))(torch.randn(5, 20, 3)).shape == (5, 3)

