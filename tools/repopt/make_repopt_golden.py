#!/usr/bin/env python3
"""Independent PyTorch oracle for RepLens' RepOptimizer: golden training trajectories.

Run with Debian's interpreter (it has torch 1.13 + numpy):

    /usr/bin/python3 tools/repopt/make_repopt_golden.py [--out DIR]

Everything here is written from scratch for this project. The reference
RepOptimizers repository (DingXiaoH/RepOptimizers) was read, not copied, for
where the multiplier, weight decay and momentum go:

* repoptimizer_sgd.py: d = M * g, then d += wd * w, then momentum
  (buf = d at the first step, buf = m * buf + d after), then w -= lr * buf.
* repoptimizer_adamw.py: g *= M before the moments, decoupled decay
  w *= 1 - lr * wd, then w -= lr * M * m_hat / (sqrt(v_hat) + eps).
* repoptvgg_handler.py: M = s_c^order on every tap, + s_1^order at the centre,
  + 1 at the centre where out = in (order 2 for SGD, 1 for AdamW); the CSLA
  block (repoptvgg_model.LinearAddBlock, is_csla=True) freezes only the conv
  scales, so its identity scale is trained: that is the + 1.

The network (mirrors RepLens' training network; every BN in train mode):

    stem:   conv3x3(1 -> C, pad 1, no bias) -> BN -> ReLU
    blocks: D x CSLA block  y = s_c*conv3x3(x) + s_1*conv1x1(x) + d*x -> BN -> ReLU
            (RepOpt twin: conv3x3(x; W') -> BN -> ReLU)
    head:   global average pool -> linear(C -> classes); mean cross-entropy

Every step uses the whole fixed data set (N images) as one batch, so the batch
order inside RepLens (a permutation of the same images) changes only the
summation order.

The CSLA model is trained with torch.optim.SGD / torch.optim.AdamW as they
are. The RepOpt twin is trained with this file's own RepOpt SGD and AdamW
(both AdamW rules: the reference one with one multiplier M, and the
branch-split one whose epsilon matches the CSLA branches exactly).

Self-checks before anything is written (exit code 1 otherwise), float64:
* initial W' equals s_c*W_K + s_1*pad(W_1) + d*I and both models give the same
  first loss (1e-12);
* SGD and branch-split AdamW: max |W'_CSLA - W'_RepOpt| < 1e-12 at every step;
* reference AdamW: the same difference is reported (it is epsilon-sized, not 0).

Output: engine/src/test/resources/repopt/oracle.npz (keys: see KEYS below).
"""

import argparse
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)

C = 4           # channels of the stem and every block
DEPTH = 2       # CSLA blocks
SIDE = 8        # image side
N = 8           # images (one batch)
CLASSES = 4
STEPS = 25
SEED = 20230301
SGD = dict(lr=0.05, momentum=0.9, weight_decay=1e-3)
ADAMW = dict(lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2)
BN_EPS = 1e-5


def bn_train(x, gamma, beta):
    mean = x.mean(dim=(0, 2, 3), keepdim=True)
    var = ((x - mean) ** 2).mean(dim=(0, 2, 3), keepdim=True)
    return (x - mean) / torch.sqrt(var + BN_EPS) * gamma.view(1, -1, 1, 1) + beta.view(1, -1, 1, 1)


class Net(nn.Module):
    """The classifier with CSLA blocks (csla=True) or single-conv RepOpt blocks."""

    def __init__(self, csla):
        super().__init__()
        self.csla = csla
        self.stem_w = nn.Parameter(torch.zeros(C, 1, 3, 3))
        self.stem_g = nn.Parameter(torch.ones(C))
        self.stem_b = nn.Parameter(torch.zeros(C))
        self.wk = nn.ParameterList()
        self.w1 = nn.ParameterList()
        self.d = nn.ParameterList()
        self.wp = nn.ParameterList()
        self.g = nn.ParameterList()
        self.b = nn.ParameterList()
        self.sc = []
        self.s1 = []
        for _ in range(DEPTH):
            if csla:
                self.wk.append(nn.Parameter(torch.zeros(C, C, 3, 3)))
                self.w1.append(nn.Parameter(torch.zeros(C, C, 1, 1)))
                self.d.append(nn.Parameter(torch.ones(C)))
            else:
                self.wp.append(nn.Parameter(torch.zeros(C, C, 3, 3)))
            self.g.append(nn.Parameter(torch.ones(C)))
            self.b.append(nn.Parameter(torch.zeros(C)))
        self.fc_w = nn.Parameter(torch.zeros(CLASSES, C))
        self.fc_b = nn.Parameter(torch.zeros(CLASSES))

    def kernel(self, i):
        """The block's equivalent 3x3 kernel (CSLA) or its own kernel (RepOpt)."""
        if not self.csla:
            return self.wp[i]
        k = self.wk[i] * self.sc[i].view(-1, 1, 1, 1)
        k = k + F.pad(self.w1[i] * self.s1[i].view(-1, 1, 1, 1), [1, 1, 1, 1])
        ident = torch.zeros(C, C, 3, 3)
        for o in range(C):
            ident[o, o, 1, 1] = 1.0
        return k + ident * self.d[i].view(-1, 1, 1, 1)

    def forward(self, x):
        h = F.relu(bn_train(F.conv2d(x, self.stem_w, padding=1), self.stem_g, self.stem_b))
        for i in range(DEPTH):
            if self.csla:
                u = F.conv2d(h, self.wk[i], padding=1) * self.sc[i].view(1, -1, 1, 1)
                u = u + F.conv2d(h, self.w1[i]) * self.s1[i].view(1, -1, 1, 1)
                u = u + h * self.d[i].view(1, -1, 1, 1)
            else:
                u = F.conv2d(h, self.wp[i], padding=1)
            h = F.relu(bn_train(u, self.g[i], self.b[i]))
        return F.linear(h.mean(dim=(2, 3)), self.fc_w, self.fc_b)


def multipliers(sc, s1, order):
    """RepOpt's M: s_c^order everywhere, + s_1^order at the centre, + 1 at (o, o, centre)."""
    m = (sc.abs() ** order).view(-1, 1, 1, 1).expand(C, C, 3, 3).clone()
    m[:, :, 1, 1] += (s1.abs() ** order).view(-1, 1)
    for o in range(C):
        m[o, o, 1, 1] += 1.0
    return m


def branch_scales(sc, s1):
    """S_b of the branch-split AdamW rule: |s_c| everywhere; |s_1| and 1 at their centre taps."""
    k = sc.abs().view(-1, 1, 1, 1).expand(C, C, 3, 3).clone()
    one = torch.zeros(C, C, 3, 3)
    one[:, :, 1, 1] = s1.abs().view(-1, 1)
    ident = torch.zeros(C, C, 3, 3)
    for o in range(C):
        ident[o, o, 1, 1] = 1.0
    return [k, one, ident]


class RepOptSGD:
    """SGD with per-element multipliers, weight decay after the multiplier, then momentum."""

    def __init__(self, params, mults, lr, momentum, weight_decay):
        self.params, self.mults = list(params), mults
        self.lr, self.mom, self.wd = lr, momentum, weight_decay
        self.buf = {}

    @torch.no_grad()
    def step(self):
        for p in self.params:
            d = p.grad * self.mults[p] if p in self.mults else p.grad.clone()
            d = d + self.wd * p
            if p not in self.buf:
                self.buf[p] = d.clone()
            else:
                self.buf[p] = self.mom * self.buf[p] + d
            p -= self.lr * self.buf[p]


class RepOptAdamW:
    """AdamW with RepOpt's multipliers: 'reference' (one M) or 'split' (one term per branch)."""

    def __init__(self, params, mults, scales, rule, lr, betas, eps, weight_decay):
        self.params, self.mults, self.scales, self.rule = list(params), mults, scales, rule
        self.lr, self.b1, self.b2, self.eps, self.wd = lr, betas[0], betas[1], eps, weight_decay
        self.m = {p: torch.zeros_like(p) for p in self.params}
        self.v = {p: torch.zeros_like(p) for p in self.params}
        self.t = 0

    @torch.no_grad()
    def step(self):
        self.t += 1
        c1 = 1 - self.b1 ** self.t
        c2 = 1 - self.b2 ** self.t
        for p in self.params:
            g = p.grad.clone()
            split = self.rule == "split" and p in self.scales
            if p in self.mults and not split:
                g = g * self.mults[p]
            p *= 1 - self.lr * self.wd
            self.m[p] = self.b1 * self.m[p] + (1 - self.b1) * g
            self.v[p] = self.b2 * self.v[p] + (1 - self.b2) * g * g
            m_hat = self.m[p] / c1
            root_v = torch.sqrt(self.v[p] / c2)
            if split:
                upd = sum(s * s * m_hat / (s * root_v + self.eps) for s in self.scales[p])
            else:
                upd = m_hat / (root_v + self.eps)
                if p in self.mults:
                    upd = upd * self.mults[p]
            p -= self.lr * upd


def init(csla_net, rep_net, gen):
    """Random weights (Kaiming convs, BN at identity, nn.Linear-style head), shared by both."""
    with torch.no_grad():
        csla_net.stem_w.copy_(torch.randn(C, 1, 3, 3, generator=gen) * (2.0 / 9) ** 0.5)
        csla_net.fc_w.copy_((torch.rand(CLASSES, C, generator=gen) * 2 - 1) / C ** 0.5)
        csla_net.fc_b.copy_((torch.rand(CLASSES, generator=gen) * 2 - 1) / C ** 0.5)
        for i in range(DEPTH):
            csla_net.wk[i].copy_(torch.randn(C, C, 3, 3, generator=gen) * (2.0 / (9 * C)) ** 0.5)
            csla_net.w1[i].copy_(torch.randn(C, C, 1, 1, generator=gen) * (2.0 / C) ** 0.5)
            csla_net.sc.append(0.4 + 0.8 * torch.rand(C, generator=gen))
            csla_net.s1.append(0.2 + 0.6 * torch.rand(C, generator=gen))
            csla_net.d[i].copy_(0.5 + torch.rand(C, generator=gen))
        rep_net.stem_w.copy_(csla_net.stem_w)
        rep_net.fc_w.copy_(csla_net.fc_w)
        rep_net.fc_b.copy_(csla_net.fc_b)
        for i in range(DEPTH):
            rep_net.wp[i].copy_(csla_net.kernel(i))


def fail(msg):
    print("CHECK FAILED: " + msg, file=sys.stderr)
    sys.exit(1)


def run(kind, rule, x, y, start):
    """Trains both models from `start`; returns per-step kernels, losses and the max difference."""
    csla, rep = Net(True), Net(False)
    csla.load_state_dict(start[0])
    rep.load_state_dict(start[1])
    csla.sc, csla.s1 = start[2], start[3]
    if kind == "sgd":
        opt_a = torch.optim.SGD(csla.parameters(), **SGD)
        mults = {rep.wp[i]: multipliers(csla.sc[i], csla.s1[i], 2) for i in range(DEPTH)}
        opt_b = RepOptSGD(rep.parameters(), mults, **SGD)
    else:
        opt_a = torch.optim.AdamW(csla.parameters(), **ADAMW)
        mults = {rep.wp[i]: multipliers(csla.sc[i], csla.s1[i], 1) for i in range(DEPTH)}
        scales = {rep.wp[i]: branch_scales(csla.sc[i], csla.s1[i]) for i in range(DEPTH)}
        opt_b = RepOptAdamW(rep.parameters(), mults, scales, rule, **ADAMW)
    kernels_a, kernels_b, losses_a, losses_b = [], [], [], []
    worst = 0.0

    def record():
        nonlocal worst
        with torch.no_grad():
            ka = torch.stack([csla.kernel(i) for i in range(DEPTH)])
            kb = torch.stack([rep.kernel(i) for i in range(DEPTH)])
        kernels_a.append(ka.numpy().copy())
        kernels_b.append(kb.numpy().copy())
        worst = max(worst, (ka - kb).abs().max().item())

    record()
    for _ in range(STEPS):
        for model, opt, losses in ((csla, opt_a, losses_a), (rep, opt_b, losses_b)):
            for p in model.parameters():
                p.grad = None
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            losses.append(loss.item())
        record()
    return np.stack(kernels_a), np.stack(kernels_b), np.array(losses_a), np.array(losses_b), worst


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--out", default=os.path.join(here, "..", "..", "engine", "src", "test",
                                                  "resources", "repopt"))
    args = ap.parse_args()
    torch.set_num_threads(1)
    gen = torch.Generator().manual_seed(SEED)
    x32 = torch.rand(N, 1, SIDE, SIDE, generator=gen).float()
    x = x32.double()
    y = torch.arange(N) % CLASSES
    csla, rep = Net(True), Net(False)
    init(csla, rep, gen)
    with torch.no_grad():
        for i in range(DEPTH):
            if (csla.kernel(i) - rep.kernel(i)).abs().max().item() > 1e-12:
                fail("initial kernels differ")
        la = F.cross_entropy(csla(x), y).item()
        lb = F.cross_entropy(rep(x), y).item()
        if abs(la - lb) > 1e-12:
            fail("first losses differ: %r vs %r" % (la, lb))
    start = ({k: v.clone() for k, v in csla.state_dict().items()},
             {k: v.clone() for k, v in rep.state_dict().items()},
             [s.clone() for s in csla.sc], [s.clone() for s in csla.s1])

    out = {
        "images": x32.numpy(),
        "labels": y.numpy().astype(np.int64),
        "hparams_sgd": np.array([SGD["lr"], SGD["momentum"], SGD["weight_decay"]]),
        "hparams_adamw": np.array([ADAMW["lr"], ADAMW["betas"][0], ADAMW["betas"][1],
                                   ADAMW["eps"], ADAMW["weight_decay"]]),
        "stem/stem.conv.weight": csla.stem_w.detach().numpy(),
        "head/fc.weight": csla.fc_w.detach().numpy(),
        "head/fc.bias": csla.fc_b.detach().numpy(),
    }
    for i in range(DEPTH):
        b = "block%d/" % i
        out[b + "conv_kxk.conv.weight"] = csla.wk[i].detach().numpy()
        out[b + "conv_kxk.scale.weight"] = csla.sc[i].numpy()
        out[b + "conv_1x1.conv.weight"] = csla.w1[i].detach().numpy()
        out[b + "conv_1x1.scale.weight"] = csla.s1[i].numpy()
        out[b + "identity.scale.weight"] = csla.d[i].detach().numpy()
        out[b + "conv.conv.weight"] = rep.wp[i].detach().numpy()

    for kind, rule, name in (("sgd", None, "sgd"), ("adamw", "split", "adamw"),
                             ("adamw", "reference", "adamw_reference")):
        ka, kb, la, lb, worst = run(kind, rule, x, y, start)
        print("%-16s %d steps: max |W'_CSLA - W'_RepOpt| = %.3e, final losses %.6f / %.6f"
              % (name, STEPS, worst, la[-1], lb[-1]))
        if rule != "reference" and worst > 1e-12:
            fail("%s: the RepOpt twin left the CSLA trajectory (%.3e)" % (name, worst))
        if rule == "reference":
            out[name + "_repopt_kernels"] = kb
            out[name + "_repopt_loss"] = lb
        else:
            out[name + "_csla_kernels"] = ka
            out[name + "_csla_loss"] = la
            out[name + "_repopt_loss"] = lb
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "oracle.npz")
    np.savez_compressed(path, **out)
    print("wrote %s (%d bytes)" % (path, os.path.getsize(path)))


if __name__ == "__main__":
    main()
