#!/usr/bin/env python3
"""Independent PyTorch oracle for RepLens: golden test vectors for structural
re-parameterisation of conv blocks (RepVGG, ACNet, DBB, OREPA, DyRep).

Run with Debian's interpreter (it has torch 1.13 + numpy):

    /usr/bin/python3 tools/golden/make_golden.py [--out DIR]

Every module below is written from scratch for this project.  Only the
*names* of sub-modules / parameters / buffers (i.e. the state_dict keys) and the
forward semantics follow the official repositories, which were read (not
copied); see tools/golden/KEYS.md for the sources and the exact math.

For every case the script
  1. builds the training-time block with the official key layout,
  2. fills every parameter / BN statistic with deterministic random values
     (negative BN gammas included),
  3. runs the block in eval() mode on a random NCHW probe input,
  4. computes the fused deploy kernel + bias with its own conversion code,
  5. SELF-CHECKS F.conv2d(input, W, b, stride, padding, groups) == block(input)
     (max abs 1e-5 for float32, 1e-12 for float64) and aborts otherwise,
  6. writes <case>.npz (state_dict), <case>.expected.npz and manifest.json.
"""

import argparse
import copy
import json
import math
import os
import shutil
import sys
import zlib

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

TOL = {torch.float32: 1e-5, torch.float64: 1e-12}
DTYPE_NAMES = {torch.float32: "float32", torch.float64: "float64"}


# =============================================================================
# Small shared helpers (own implementations)
# =============================================================================

def eye_kernel(rows, cols, k, dtype=torch.float32):
    """Grouped identity kernel [rows, cols, k, k]: 1 at [r, r % cols, k//2, k//2].

    For a conv with `groups` groups and cols = in/groups input channels per
    group, output channel r copies input channel r (when rows == in)."""
    out = torch.zeros(rows, cols, k, k, dtype=dtype)
    for r in range(rows):
        out[r, r % cols, k // 2, k // 2] = 1.0
    return out


def center_embed(kernel, k):
    """Zero-pad a [O, I, kh, kw] kernel (kh, kw odd, <= k) to [O, I, k, k], centred."""
    kh, kw = kernel.shape[2], kernel.shape[3]
    top, left = (k - kh) // 2, (k - kw) // 2
    return F.pad(kernel, [left, k - kw - left, top, k - kh - top])


def bn_affine(bn, conv_bias=None):
    """Eval-mode BN as y = s * x + t (optionally absorbing a preceding conv bias)."""
    s = bn.weight / torch.sqrt(bn.running_var + bn.eps)
    t = bn.bias - bn.running_mean * s
    if conv_bias is not None:
        t = t + conv_bias * s
    return s, t


def fold_bn(kernel, bn, conv_bias=None):
    s, t = bn_affine(bn, conv_bias)
    return kernel * s.reshape(-1, 1, 1, 1), t


def chain_1x1_kxk(k1, b1, k2, b2, groups):
    """Merge (grouped 1x1 conv k1 + bias b1) followed by (grouped KxK conv k2 + b2).

    k1: [T, I/g, 1, 1], k2: [O, T/g, kh, kw].  Exact at the borders only if the
    intermediate feature map is padded with b1 (BNAndPad semantics)."""
    T, ipg = k1.shape[0], k1.shape[1]
    O, tpg, kh, kw = k2.shape
    a = k1.reshape(groups, T // groups, ipg)                # [g, t, i]
    c = k2.reshape(groups, O // groups, tpg, kh, kw)         # [g, o, t, h, w]
    kernel = torch.einsum("gti,gothw->goihw", a, c).reshape(O, ipg, kh, kw)
    bias = torch.einsum("gothw,gt->go", c, b1.reshape(groups, T // groups)).reshape(O)
    return kernel, bias + b2


def avg_kernel(out_ch, in_per_group, k, dtype):
    """Kernel of a per-channel KxK average pool acting on a grouped conv layout."""
    out = torch.zeros(out_ch, in_per_group, k, k, dtype=dtype)
    for o in range(out_ch):
        out[o, o % in_per_group] = 1.0 / (k * k)
    return out


def scale_rows(w, v):
    """Multiply output channel o of kernel w by v[o]."""
    return w * v.reshape(-1, 1, 1, 1)


class ConvBN(nn.Module):
    """conv (optionally with bias) -> BatchNorm2d.  Keys: conv.weight[, conv.bias], bn.*"""

    def __init__(self, cin, cout, kernel, stride=1, padding=0, groups=1, conv_bias=False):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, kernel, stride=stride, padding=padding,
                              groups=groups, bias=conv_bias)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        return self.bn(self.conv(x))


class BNAndPad(nn.Module):
    """BatchNorm followed by a frame of width `pad` whose value, per channel, is the
    BN's output for a zero input: beta - mean * gamma / sqrt(var + eps)
    (+ gamma * conv_bias / sqrt(var + eps) in DyRep when the preceding conv had a
    bias, which never happens in practice).  Keys: bn.*"""

    def __init__(self, pad, channels):
        super().__init__()
        self.bn = nn.BatchNorm2d(channels)
        self.pad = pad

    def forward(self, x):
        y = self.bn(x)
        if self.pad <= 0:
            return y
        _, frame = bn_affine(self.bn)
        n, c, h, w = y.shape
        p = self.pad
        out = frame.reshape(1, c, 1, 1).expand(n, c, h + 2 * p, w + 2 * p).clone()
        out[:, :, p:p + h, p:p + w] = y
        return out


class IdentityBasedConv1x1(nn.Module):
    """1x1 grouped conv whose effective kernel is weight + I (I = grouped identity).

    Only `weight` is in the state_dict (the official class keeps its identity in a
    plain attribute, not a registered buffer)."""

    def __init__(self, channels, groups=1):
        super().__init__()
        assert channels % groups == 0
        self.groups = groups
        self.weight = nn.Parameter(torch.zeros(channels, channels // groups, 1, 1))

    def actual_kernel(self):
        w = self.weight
        return w + eye_kernel(w.shape[0], w.shape[1], 1, w.dtype)

    def forward(self, x):
        return F.conv2d(x, self.actual_kernel(), None, 1, 0, 1, self.groups)


# =============================================================================
# 1. RepVGG  (DingXiaoH/RepVGG, repvgg.py, RepVGGBlock; nonlinearity omitted)
# =============================================================================

class RepVGGBlock(nn.Module):
    def __init__(self, cin, cout, kernel_size=3, stride=1, padding=1, groups=1):
        super().__init__()
        assert kernel_size == 3 and padding == 1
        self.cin, self.cout, self.k, self.groups = cin, cout, kernel_size, groups
        self.stride, self.padding = stride, padding
        self.rbr_identity = nn.BatchNorm2d(cin) if (cin == cout and stride == 1) else None
        self.rbr_dense = ConvBN(cin, cout, kernel_size, stride, padding, groups)
        self.rbr_1x1 = ConvBN(cin, cout, 1, stride, padding - kernel_size // 2, groups)

    def forward(self, x):
        y = self.rbr_dense(x) + self.rbr_1x1(x)
        if self.rbr_identity is not None:
            y = y + self.rbr_identity(x)
        return y  # official applies ReLU here; the oracle stops before it

    def fuse(self):
        W, b = fold_bn(self.rbr_dense.conv.weight, self.rbr_dense.bn)
        k1, b1 = fold_bn(self.rbr_1x1.conv.weight, self.rbr_1x1.bn)
        W, b = W + center_embed(k1, self.k), b + b1
        if self.rbr_identity is not None:
            s, t = bn_affine(self.rbr_identity)
            idk = eye_kernel(self.cin, self.cin // self.groups, self.k, W.dtype)
            W, b = W + scale_rows(idk, s), b + t
        return W, b

    def branches(self):
        return ["rbr_dense", "rbr_1x1"] + (["rbr_identity"] if self.rbr_identity is not None else [])


# =============================================================================
# 2. ACNet  (DingXiaoH/ACNet, acnet/acb.py, ACBlock; default options)
# =============================================================================

class ACBlock(nn.Module):
    def __init__(self, cin, cout, kernel_size, stride=1, padding=0, groups=1):
        super().__init__()
        k = kernel_size
        self.k, self.stride, self.padding, self.groups = k, stride, padding, groups
        self.square_conv = nn.Conv2d(cin, cout, (k, k), stride, padding, groups=groups, bias=False)
        self.square_bn = nn.BatchNorm2d(cout)
        if padding >= k // 2:
            self.crop = 0
            ver_pad = (padding, padding - k // 2)   # (rows, cols)
            hor_pad = (padding - k // 2, padding)
        else:
            self.crop = k // 2 - padding
            ver_pad = (padding, 0)
            hor_pad = (0, padding)
        self.ver_conv = nn.Conv2d(cin, cout, (k, 1), stride, ver_pad, groups=groups, bias=False)
        self.hor_conv = nn.Conv2d(cin, cout, (1, k), stride, hor_pad, groups=groups, bias=False)
        self.ver_bn = nn.BatchNorm2d(cout)
        self.hor_bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        c = self.crop
        h, w = x.shape[2], x.shape[3]
        ver_in = x[:, :, :, c:w - c] if c > 0 else x   # Kx1 conv: drop c columns each side
        hor_in = x[:, :, c:h - c, :] if c > 0 else x   # 1xK conv: drop c rows each side
        return (self.square_bn(self.square_conv(x))
                + self.ver_bn(self.ver_conv(ver_in))
                + self.hor_bn(self.hor_conv(hor_in)))

    def fuse(self):
        W, b = fold_bn(self.square_conv.weight, self.square_bn)
        kh, bh = fold_bn(self.hor_conv.weight, self.hor_bn)
        kv, bv = fold_bn(self.ver_conv.weight, self.ver_bn)
        return W + center_embed(kh, self.k) + center_embed(kv, self.k), b + bh + bv

    def branches(self):
        return ["square", "ver", "hor"]


# =============================================================================
# 3. DBB  (DingXiaoH/DiverseBranchBlock, diversebranchblock.py + dbb_transforms.py)
# =============================================================================

class DiverseBranchBlock(nn.Module):
    def __init__(self, cin, cout, kernel_size, stride=1, padding=None, groups=1,
                 internal_channels_1x1_3x3=None):
        super().__init__()
        k = kernel_size
        if padding is None:
            padding = k // 2
        assert padding == k // 2
        self.cin, self.cout, self.k = cin, cout, k
        self.stride, self.padding, self.groups = stride, padding, groups
        self.dbb_origin = ConvBN(cin, cout, k, stride, padding, groups)
        self.dbb_avg = nn.Sequential()
        if groups < cout:
            self.dbb_avg.add_module("conv", nn.Conv2d(cin, cout, 1, 1, 0, groups=groups, bias=False))
            self.dbb_avg.add_module("bn", BNAndPad(padding, cout))
            self.dbb_avg.add_module("avg", nn.AvgPool2d(k, stride, 0))
            self.dbb_1x1 = ConvBN(cin, cout, 1, stride, 0, groups)
        else:
            self.dbb_avg.add_module("avg", nn.AvgPool2d(k, stride, padding))
        self.dbb_avg.add_module("avgbn", nn.BatchNorm2d(cout))
        if internal_channels_1x1_3x3 is None:
            internal_channels_1x1_3x3 = cin if groups < cout else 2 * cin
        self.internal = internal_channels_1x1_3x3
        self.dbb_1x1_kxk = nn.Sequential()
        if self.internal == cin:
            self.dbb_1x1_kxk.add_module("idconv1", IdentityBasedConv1x1(cin, groups))
        else:
            self.dbb_1x1_kxk.add_module("conv1", nn.Conv2d(cin, self.internal, 1, 1, 0,
                                                           groups=groups, bias=False))
        self.dbb_1x1_kxk.add_module("bn1", BNAndPad(padding, self.internal))
        self.dbb_1x1_kxk.add_module("conv2", nn.Conv2d(self.internal, cout, k, stride, 0,
                                                       groups=groups, bias=False))
        self.dbb_1x1_kxk.add_module("bn2", nn.BatchNorm2d(cout))

    def forward(self, x):
        y = self.dbb_origin(x)
        if hasattr(self, "dbb_1x1"):
            y = y + self.dbb_1x1(x)
        y = y + self.dbb_avg(x)
        return y + self.dbb_1x1_kxk(x)

    def fuse(self):
        k, g = self.k, self.groups
        W, b = fold_bn(self.dbb_origin.conv.weight, self.dbb_origin.bn)
        if hasattr(self, "dbb_1x1"):
            k1, b1 = fold_bn(self.dbb_1x1.conv.weight, self.dbb_1x1.bn)
            W, b = W + center_embed(k1, k), b + b1
        seq = self.dbb_1x1_kxk
        first = seq.idconv1.actual_kernel() if hasattr(seq, "idconv1") else seq.conv1.weight
        k1, b1 = fold_bn(first, seq.bn1.bn)
        k2, b2 = fold_bn(seq.conv2.weight, seq.bn2)
        kk, bb = chain_1x1_kxk(k1, b1, k2, b2, g)
        W, b = W + kk, b + bb
        if hasattr(self.dbb_avg, "conv"):
            k1, b1 = fold_bn(self.dbb_avg.conv.weight, self.dbb_avg.bn.bn)
            k2, b2 = fold_bn(avg_kernel(self.cout, self.cout // g, k, W.dtype), self.dbb_avg.avgbn)
            kk, bb = chain_1x1_kxk(k1, b1, k2, b2, g)
        else:
            kk, bb = fold_bn(avg_kernel(self.cout, self.cin // g, k, W.dtype), self.dbb_avg.avgbn)
        return W + kk, b + bb

    def branches(self):
        return ["dbb_origin", "dbb_avg"] + (["dbb_1x1"] if hasattr(self, "dbb_1x1") else []) + ["dbb_1x1_kxk"]


# =============================================================================
# 4. OREPA family  (JUGGHM/OREPA_CVPR2022, blocks.py, blocks_repvgg.py, basic.py)
# =============================================================================

def orepa_prior(out_ch, k):
    """The official fre_init() buffer, float32 like the official torch.Tensor.

    Only [:, 0:3, 0:3] is defined by the official code (its loops run over
    range(3)); for k > 3 the rest is uninitialised memory there.  Here it is
    NaN until `fill_prior_garbage` replaces it with deterministic random values."""
    t = torch.full((out_ch, k, k), float("nan"), dtype=torch.float32)
    half = out_ch / 2
    for i in range(out_ch):
        for h in range(3):
            for w in range(3):
                if i < half:
                    t[i, h, w] = math.cos(math.pi * (h + 0.5) * (i + 1) / 3)
                else:
                    t[i, h, w] = math.cos(math.pi * (w + 0.5) * (i + 1 - half) / 3)
    return t


def orepa_dw_pw(dw, pw, in_channels, groups):
    """Official dwsc2full(dw, pw, groups=in_channels, groups_conv=groups) semantics.

    dw: [in*E, 1, k, k] (E = 8), pw: [out, in*E/G, 1, 1].  Result [out, in/G, k, k]:
      W[c*(out/G) + a, j] = sum_t dw[(c*(in/G) + j)*E + t] * pw[a*G + c, j*E + t]
    (note the output-channel interleave a*G + c of pw when G > 1)."""
    E = dw.shape[0] // in_channels
    out_ch = pw.shape[0]
    G = groups
    ipg, opg = in_channels // G, out_ch // G
    kh, kw = dw.shape[2], dw.shape[3]
    d = dw.reshape(G, ipg, E, kh, kw)               # [c, j, t, h, w]
    p = pw.reshape(opg, G, ipg, E)                  # [a, c, j, t]
    return torch.einsum("cjthw,acjt->cajhw", d, p).reshape(out_ch, ipg, kh, kw)


def orepa_pw_as_grouped_conv(pw, in_channels, groups):
    """pw re-ordered so that a plain grouped 1x1 conv after the depthwise conv
    reproduces orepa_dw_pw (used by the branch-wise cross-check)."""
    out_ch, G = pw.shape[0], groups
    opg = out_ch // G
    idx = [(r % opg) * G + r // opg for r in range(out_ch)]
    return pw[idx]


class OREPA(nn.Module):
    """Official OREPA (blocks.py).  vector rows: 0 origin, 1 avg, 2 prior(pfir),
    3 1x1_kxk, 4 1x1, 5 dws_conv (gconv)."""

    def __init__(self, cin, cout, kernel_size, stride=1, padding=None, groups=1,
                 internal_channels_1x1_3x3=None, weight_only=False):
        super().__init__()
        k = kernel_size
        if padding is None:
            padding = k // 2
        assert padding == k // 2
        self.cin, self.cout, self.k = cin, cout, k
        self.stride, self.padding, self.groups = stride, padding, groups
        self.weight_only = weight_only
        ipg = cin // groups
        P = lambda *s: nn.Parameter(torch.zeros(*s))
        self.weight_orepa_origin = P(cout, ipg, k, k)
        self.weight_orepa_avg_conv = P(cout, ipg, 1, 1)
        self.weight_orepa_pfir_conv = P(cout, ipg, 1, 1)
        self.register_buffer("weight_orepa_avg_avg", torch.ones(k, k).mul(1.0 / k / k))
        self.weight_orepa_1x1 = P(cout, ipg, 1, 1)
        if internal_channels_1x1_3x3 is None:
            internal_channels_1x1_3x3 = cin if groups <= 4 else 2 * cin
        self.internal = internal_channels_1x1_3x3
        # the official code names this parameter ..._idconv1 in BOTH cases
        self.weight_orepa_1x1_kxk_idconv1 = P(self.internal, ipg, 1, 1)
        self.register_buffer("id_tensor", eye_kernel(self.internal, ipg, 1))
        self.weight_orepa_1x1_kxk_conv2 = P(cout, self.internal // groups, k, k)
        self.expand = 8
        self.weight_orepa_gconv_dw = P(cin * self.expand, 1, k, k)
        self.weight_orepa_gconv_pw = P(cout, cin * self.expand // groups, 1, 1)
        self.vector = P(6, cout)
        if not weight_only:
            self.bn = nn.BatchNorm2d(cout)
        self.register_buffer("weight_orepa_prior", orepa_prior(cout, k))

    def weight_gen(self):
        v, k, g = self.vector, self.k, self.groups
        origin = scale_rows(self.weight_orepa_origin, v[0])
        avg = scale_rows(self.weight_orepa_avg_conv * self.weight_orepa_avg_avg.reshape(1, 1, k, k), v[1])
        pfir = scale_rows(self.weight_orepa_pfir_conv * self.weight_orepa_prior.unsqueeze(1), v[2])
        first = self.weight_orepa_1x1_kxk_idconv1 + self.id_tensor
        zeros_t = torch.zeros(first.shape[0], dtype=first.dtype)
        zeros_o = torch.zeros(self.cout, dtype=first.dtype)
        seq, _ = chain_1x1_kxk(first, zeros_t, self.weight_orepa_1x1_kxk_conv2, zeros_o, g)
        seq = scale_rows(seq, v[3])
        one = scale_rows(center_embed(self.weight_orepa_1x1, k), v[4])
        gconv = scale_rows(orepa_dw_pw(self.weight_orepa_gconv_dw, self.weight_orepa_gconv_pw,
                                       self.cin, g), v[5])
        return origin + avg + one + seq + pfir + gconv   # official summation order

    def forward(self, x):
        y = F.conv2d(x, self.weight_gen(), None, self.stride, self.padding, 1, self.groups)
        return self.bn(y)

    def branchwise_forward(self, x):
        """Same block evaluated as six real conv pipelines (no weight_gen)."""
        v, k, g, s, p = self.vector, self.k, self.groups, self.stride, self.padding
        O = self.cout
        vv = lambda i: v[i].reshape(1, -1, 1, 1)
        y = F.conv2d(x, self.weight_orepa_origin, None, s, p, 1, g) * vv(0)
        t = F.conv2d(x, self.weight_orepa_avg_conv, None, 1, 0, 1, g)
        y = y + F.conv2d(t, self.weight_orepa_avg_avg.reshape(1, 1, k, k).expand(O, 1, k, k),
                         None, s, p, 1, O) * vv(1)
        t = F.conv2d(x, self.weight_orepa_pfir_conv, None, 1, 0, 1, g)
        y = y + F.conv2d(t, self.weight_orepa_prior.unsqueeze(1), None, s, p, 1, O) * vv(2)
        t = F.conv2d(x, self.weight_orepa_1x1_kxk_idconv1 + self.id_tensor, None, 1, 0, 1, g)
        y = y + F.conv2d(t, self.weight_orepa_1x1_kxk_conv2, None, s, p, 1, g) * vv(3)
        y = y + F.conv2d(x, self.weight_orepa_1x1, None, s, 0, 1, g) * vv(4)
        t = F.conv2d(x, self.weight_orepa_gconv_dw, None, s, p, 1, self.cin)
        pw = orepa_pw_as_grouped_conv(self.weight_orepa_gconv_pw, self.cin, g)
        y = y + F.conv2d(t, pw, None, 1, 0, 1, g) * vv(5)
        return self.bn(y)

    def fuse(self):
        return fold_bn(self.weight_gen(), self.bn)

    def branches(self):
        return ["origin", "avg", "prior", "1x1_kxk", "1x1", "dws_conv"]


class OREPA_1x1(nn.Module):
    def __init__(self, cin, cout, kernel_size=1, stride=1, padding=0, groups=1):
        super().__init__()
        assert kernel_size == 1 and padding == 0 and groups == 1
        self.cin, self.cout, self.k, self.stride, self.padding, self.groups = cin, cout, 1, stride, 0, 1
        P = lambda *s: nn.Parameter(torch.zeros(*s))
        self.weight_or1x1_origin = P(cout, cin, 1, 1)
        if cout > cin:
            self.weight_or1x1_l2i_conv1 = nn.Parameter(torch.eye(cin).reshape(cin, cin, 1, 1))
            self.weight_or1x1_l2i_conv2 = P(cout, cin, 1, 1)
        else:
            self.weight_or1x1_l2i_conv1 = P(cout, cin, 1, 1)
            self.weight_or1x1_l2i_conv2 = nn.Parameter(torch.eye(cout).reshape(cout, cout, 1, 1))
        self.vector = P(2, cout)
        self.bn = nn.BatchNorm2d(cout)

    def weight_gen(self):
        c1 = self.weight_or1x1_l2i_conv1[:, :, 0, 0]       # [t, i]
        c2 = self.weight_or1x1_l2i_conv2[:, :, 0, 0]       # [o, t]
        l2i = (c2 @ c1).reshape(self.cout, self.cin, 1, 1)
        return scale_rows(self.weight_or1x1_origin, self.vector[0]) + scale_rows(l2i, self.vector[1])

    def forward(self, x):
        return self.bn(F.conv2d(x, self.weight_gen(), None, self.stride, 0))

    def branchwise_forward(self, x):
        vv = lambda i: self.vector[i].reshape(1, -1, 1, 1)
        y = F.conv2d(x, self.weight_or1x1_origin, None, self.stride) * vv(0)
        t = F.conv2d(x, self.weight_or1x1_l2i_conv1, None, self.stride)
        y = y + F.conv2d(t, self.weight_or1x1_l2i_conv2) * vv(1)
        return self.bn(y)

    def fuse(self):
        return fold_bn(self.weight_gen(), self.bn)

    def branches(self):
        return ["origin", "l2i"]


class OREPA_3x3_RepVGG(nn.Module):
    """Official blocks_repvgg.py OREPA_3x3_RepVGG (groups must be 1 in practice).
    vector rows: 0 origin, 1 avg, 2 prior, 3 1x1_kxk, 4 dws_conv, [5 unused]."""

    def __init__(self, cin, cout, kernel_size, stride=1, padding=None, groups=1):
        super().__init__()
        k = kernel_size
        if padding is None:
            padding = k // 2
        assert padding == k // 2 and groups == 1
        self.cin, self.cout, self.k, self.stride, self.padding, self.groups = cin, cout, k, stride, padding, groups
        P = lambda *s: nn.Parameter(torch.zeros(*s))
        self.weight_rbr_origin = P(cout, cin, k, k)
        self.weight_rbr_avg_conv = P(cout, cin, 1, 1)
        self.weight_rbr_pfir_conv = P(cout, cin, 1, 1)
        self.register_buffer("weight_rbr_avg_avg", torch.ones(k, k).mul(1.0 / k / k))
        self.internal = cin  # default (groups < out_channels)
        self.weight_rbr_1x1_kxk_idconv1 = P(cin, cin, 1, 1)
        self.register_buffer("id_tensor", eye_kernel(cin, cin, 1))
        self.weight_rbr_1x1_kxk_conv2 = P(cout, cin, k, k)
        self.weight_rbr_gconv_dw = P(cin * 8, 1, k, k)
        self.weight_rbr_gconv_pw = P(cout, cin * 8, 1, 1)
        rows = 5 + (1 if (cin == cout and stride == 1) else 0)
        self.vector = P(rows, cout)
        self.bn = nn.BatchNorm2d(cout)
        self.register_buffer("weight_rbr_prior", orepa_prior(cout, k))

    def weight_gen(self):
        v, k = self.vector, self.k
        origin = scale_rows(self.weight_rbr_origin, v[0])
        avg = scale_rows(self.weight_rbr_avg_conv * self.weight_rbr_avg_avg.reshape(1, 1, k, k), v[1])
        pfir = scale_rows(self.weight_rbr_pfir_conv * self.weight_rbr_prior.unsqueeze(1), v[2])
        first = self.weight_rbr_1x1_kxk_idconv1 + self.id_tensor
        z = torch.zeros(self.cin, dtype=first.dtype)
        seq, _ = chain_1x1_kxk(first, z, self.weight_rbr_1x1_kxk_conv2,
                               torch.zeros(self.cout, dtype=first.dtype), 1)
        seq = scale_rows(seq, v[3])
        gconv = scale_rows(orepa_dw_pw(self.weight_rbr_gconv_dw, self.weight_rbr_gconv_pw, self.cin, 1), v[4])
        return origin + avg + seq + pfir + gconv   # official summation order

    def forward(self, x):
        return self.bn(F.conv2d(x, self.weight_gen(), None, self.stride, self.padding))

    def branchwise_forward(self, x):
        v, k, s, p, O = self.vector, self.k, self.stride, self.padding, self.cout
        vv = lambda i: v[i].reshape(1, -1, 1, 1)
        y = F.conv2d(x, self.weight_rbr_origin, None, s, p) * vv(0)
        t = F.conv2d(x, self.weight_rbr_avg_conv)
        y = y + F.conv2d(t, self.weight_rbr_avg_avg.reshape(1, 1, k, k).expand(O, 1, k, k), None, s, p, 1, O) * vv(1)
        t = F.conv2d(x, self.weight_rbr_pfir_conv)
        y = y + F.conv2d(t, self.weight_rbr_prior.unsqueeze(1), None, s, p, 1, O) * vv(2)
        t = F.conv2d(x, self.weight_rbr_1x1_kxk_idconv1 + self.id_tensor)
        y = y + F.conv2d(t, self.weight_rbr_1x1_kxk_conv2, None, s, p) * vv(3)
        t = F.conv2d(x, self.weight_rbr_gconv_dw, None, s, p, 1, self.cin)
        y = y + F.conv2d(t, self.weight_rbr_gconv_pw) * vv(4)
        return self.bn(y)


class RepVGGBlock_OREPA(nn.Module):
    def __init__(self, cin, cout, kernel_size=3, stride=1, padding=1, groups=1):
        super().__init__()
        assert kernel_size == 3 and padding == 1 and groups == 1
        self.cin, self.cout, self.k, self.stride, self.padding, self.groups = cin, cout, 3, stride, 1, 1
        self.rbr_identity = nn.BatchNorm2d(cin) if (cin == cout and stride == 1) else None
        self.rbr_dense = OREPA_3x3_RepVGG(cin, cout, 3, stride, 1, 1)
        self.rbr_1x1 = ConvBN(cin, cout, 1, stride, 0, 1)

    def forward(self, x, branchwise=False):
        d = self.rbr_dense.branchwise_forward(x) if branchwise else self.rbr_dense(x)
        y = d + self.rbr_1x1(x)
        if self.rbr_identity is not None:
            y = y + self.rbr_identity(x)
        return y  # official applies nonlinear (ReLU by default) here; omitted

    def branchwise_forward(self, x):
        return self.forward(x, branchwise=True)

    def fuse(self):
        W, b = fold_bn(self.rbr_dense.weight_gen(), self.rbr_dense.bn)
        k1, b1 = fold_bn(self.rbr_1x1.conv.weight, self.rbr_1x1.bn)
        W, b = W + center_embed(k1, 3), b + b1
        if self.rbr_identity is not None:
            s, t = bn_affine(self.rbr_identity)
            W, b = W + scale_rows(eye_kernel(self.cin, self.cin, 3, W.dtype), s), b + t
        return W, b

    def branches(self):
        return ["rbr_dense", "rbr_1x1"] + (["rbr_identity"] if self.rbr_identity is not None else [])


def compose_after(w_first, w_next):
    """Official OREPA_LargeConv step  F.conv2d(w_first^T, w_next, padding=2)^T, written
    as explicit shifted sums:
      W[o, i, y, x] = sum_{t,u,v} w_next[o, t, u, v] * w_first[t, i, y+u-2, x+v-2]
    (w_first taken as 0 outside its support); result is 2 pixels larger."""
    kc = w_first.shape[-1]
    kn = kc + 2
    src = F.pad(w_first, [2, 2, 2, 2])
    out = torch.zeros(w_next.shape[0], w_first.shape[1], kn, kn, dtype=w_first.dtype)
    for u in range(w_next.shape[2]):
        for v in range(w_next.shape[3]):
            out = out + torch.einsum("ot,tiyx->oiyx", w_next[:, :, u, v], src[:, :, u:u + kn, v:v + kn])
    return out


class OREPA_LargeConv(nn.Module):
    def __init__(self, cin, cout, kernel_size, stride, padding, groups=1):
        super().__init__()
        assert kernel_size % 2 == 1 and kernel_size > 3
        # the official weight_gen() only runs with groups == 1 (later layers are built
        # with groups=1 but composed with F.conv2d(..., groups=self.groups))
        assert groups == 1
        self.cin, self.cout, self.k, self.stride, self.padding, self.groups = cin, cout, kernel_size, stride, padding, groups
        self.layers = (kernel_size - 1) // 2
        mid = cout
        for i in range(self.layers):
            if i == 0:
                m = OREPA(cin, mid, 3, 1, 1, groups=groups, weight_only=True)
            elif i == self.layers - 1:
                m = OREPA(mid, cout, 3, stride, 1, weight_only=True)
            else:
                m = OREPA(mid, mid, 3, 1, 1, weight_only=True)
            setattr(self, "weight%d" % i, m)
        self.bn = nn.BatchNorm2d(cout)

    def weight_gen(self):
        w = self.weight0.weight_gen()
        for i in range(1, self.layers):
            w = compose_after(w, getattr(self, "weight%d" % i).weight_gen())
        return w

    def forward(self, x):
        return self.bn(F.conv2d(x, self.weight_gen(), None, self.stride, self.padding, 1, self.groups))

    def branchwise_forward(self, x):
        """Layer 0, then layers 1.. with their 3x3 kernels rotated by 180 degrees,
        on the input zero-padded once by `padding`, no intermediate padding,
        the stride applied by the last layer."""
        t = F.pad(x, [self.padding] * 4)
        for i in range(self.layers):
            w = getattr(self, "weight%d" % i).weight_gen()
            if i > 0:
                w = torch.flip(w, dims=[2, 3])
            t = F.conv2d(t, w, None, self.stride if i == self.layers - 1 else 1, 0)
        return self.bn(t)

    def fuse(self):
        return fold_bn(self.weight_gen(), self.bn)

    def branches(self):
        return ["weight%d" % i for i in range(self.layers)]


# =============================================================================
# 5. DyRep DBB  (hunto/image_classification_sota lib/models/utils/dbb/dbb_block.py,
#    the DyRep submodule)
# =============================================================================

DYREP_NAMES = ["dbb_1x1", "dbb_1x1_kxk", "dbb_1x1_avg", "dbb_kxk", "dbb_1xk", "dbb_kx1", "dbb_id"]


class DyRepDBB(nn.Module):
    """DyRep DiverseBranchBlock; branches mask order = DYREP_NAMES."""

    def __init__(self, cin, cout, kernel_size, stride=1, groups=1, branches=(1, 1, 1, 1, 1, 1, 1),
                 internal_channels=None, padding=None):
        super().__init__()
        br = list(branches)
        if not (cin == cout and stride == 1):
            br[6] = 0
        assert br[3] == 1
        k = kernel_size
        if padding is None:
            padding = k // 2
        self.cin, self.cout, self.k, self.stride, self.padding, self.groups = cin, cout, k, stride, padding, groups
        self.mask = br
        if br[0]:
            self.dbb_1x1 = ConvBN(cin, cout, 1, stride, 0, groups)
        if br[1]:
            self.internal = cin if internal_channels is None else internal_channels
            seq = nn.Sequential()
            seq.add_module("conv1", nn.Conv2d(cin, self.internal, 1, 1, 0, groups=groups, bias=False))
            seq.add_module("bn1", BNAndPad(padding, self.internal))
            seq.add_module("conv2", nn.Conv2d(self.internal, cout, k, stride, 0, groups=groups, bias=False))
            seq.add_module("bn2", nn.BatchNorm2d(cout))
            self.dbb_1x1_kxk = seq
        if br[2]:
            seq = nn.Sequential()
            if groups < cout:
                seq.add_module("conv", nn.Conv2d(cin, cout, 1, 1, 0, groups=groups, bias=False))
                seq.add_module("bn", BNAndPad(padding, cout))
                seq.add_module("avg", nn.AvgPool2d(k, stride, 0))
            else:
                seq.add_module("avg", nn.AvgPool2d(k, stride, padding))
            seq.add_module("avgbn", nn.BatchNorm2d(cout))
            self.dbb_1x1_avg = seq
        self.dbb_kxk = ConvBN(cin, cout, k, stride, padding, groups, conv_bias=True)
        if br[4]:
            self.dbb_1xk = ConvBN(cin, cout, (1, k), stride, (0, padding), groups)
        if br[5]:
            self.dbb_kx1 = ConvBN(cin, cout, (k, 1), stride, (padding, 0), groups)
        if br[6]:
            self.dbb_id = nn.BatchNorm2d(cout)

    def forward(self, x):
        outs = [self.dbb_kxk(x)]
        for i, name in enumerate(DYREP_NAMES):
            if i != 3 and self.mask[i]:
                outs.append(getattr(self, name)(x))
        return torch.stack(outs).sum(0)

    def fuse(self):
        k, g = self.k, self.groups
        W, b = fold_bn(self.dbb_kxk.conv.weight, self.dbb_kxk.bn, self.dbb_kxk.conv.bias)
        if self.mask[0]:
            kk, bb = fold_bn(self.dbb_1x1.conv.weight, self.dbb_1x1.bn)
            W, b = W + center_embed(kk, k), b + bb
        if self.mask[1]:
            seq = self.dbb_1x1_kxk
            k1, b1 = fold_bn(seq.conv1.weight, seq.bn1.bn)
            k2, b2 = fold_bn(seq.conv2.weight, seq.bn2)
            kk, bb = chain_1x1_kxk(k1, b1, k2, b2, g)
            W, b = W + kk, b + bb
        if self.mask[2]:
            seq = self.dbb_1x1_avg
            if hasattr(seq, "conv"):
                k1, b1 = fold_bn(seq.conv.weight, seq.bn.bn)
                k2, b2 = fold_bn(avg_kernel(self.cout, self.cout // g, k, W.dtype), seq.avgbn)
                kk, bb = chain_1x1_kxk(k1, b1, k2, b2, g)
            else:
                kk, bb = fold_bn(avg_kernel(self.cout, self.cin // g, k, W.dtype), seq.avgbn)
            W, b = W + kk, b + bb
        if self.mask[4]:
            kk, bb = fold_bn(self.dbb_1xk.conv.weight, self.dbb_1xk.bn)
            W, b = W + center_embed(kk, k), b + bb
        if self.mask[5]:
            kk, bb = fold_bn(self.dbb_kx1.conv.weight, self.dbb_kx1.bn)
            W, b = W + center_embed(kk, k), b + bb
        if self.mask[6]:
            s, t = bn_affine(self.dbb_id)
            W, b = W + scale_rows(eye_kernel(self.cin, self.cin // g, k, W.dtype), s), b + t
        return W, b

    def branches(self):
        return [n for i, n in enumerate(DYREP_NAMES) if self.mask[i]]


# =============================================================================
# Deterministic random initialisation
# =============================================================================

def _normal(gen, shape, std=1.0):
    return torch.randn(*shape, generator=gen, dtype=torch.float64) * std


def _uniform(gen, shape, lo, hi):
    return lo + (hi - lo) * torch.rand(*shape, generator=gen, dtype=torch.float64)


@torch.no_grad()
def randomize(module, gen, eps):
    bn_params = set()
    for mod in module.modules():
        if isinstance(mod, nn.BatchNorm2d):
            c = mod.num_features
            mag = _uniform(gen, (c,), 0.3, 1.6)
            sign = torch.where(torch.rand(c, generator=gen, dtype=torch.float64) < 0.4, -1.0, 1.0)
            sign[0] = -1.0  # at least one negative gamma per BN
            mod.weight.copy_(mag * sign)
            mod.bias.copy_(_normal(gen, (c,), 0.5))
            mod.running_mean.copy_(_normal(gen, (c,), 0.5))
            mod.running_var.copy_(_uniform(gen, (c,), 0.5, 2.0))
            mod.num_batches_tracked.fill_(int(torch.randint(1, 10000, (1,), generator=gen)))
            mod.eps = eps
            bn_params.update([id(mod.weight), id(mod.bias)])
    for name, p in module.named_parameters():
        if id(p) in bn_params:
            continue
        leaf = name.split(".")[-1]
        if leaf == "vector":
            p.copy_(_normal(gen, p.shape, 0.5))
        elif leaf == "bias":  # DyRep dbb_kxk.conv.bias
            p.copy_(_normal(gen, p.shape, 0.5))
        else:
            fan_in = p[0].numel()
            p.copy_(_normal(gen, p.shape, 1.0 / math.sqrt(fan_in)))
    # OREPA prior buffers: the official code leaves entries outside [0:3, 0:3]
    # uninitialised for K > 3; give them deterministic float32 values.
    for name, buf in module.named_buffers():
        if name.endswith("_prior"):
            mask = torch.isnan(buf)
            if mask.any():
                vals = _normal(gen, buf.shape, 0.5).to(torch.float32).to(buf.dtype)
                buf.copy_(torch.where(mask, vals, buf))
    for name, buf in module.named_buffers():
        if buf.is_floating_point() and torch.isnan(buf).any():
            raise RuntimeError("NaN left in buffer " + name)


# =============================================================================
# Cases
# =============================================================================

def C(name, family, cin, cout, k, stride, padding, groups, eps, hw, notes, **extra):
    return dict(name=name, family=family, cin=cin, cout=cout, k=k, stride=stride, padding=padding,
                groups=groups, eps=eps, hw=hw, notes=notes, extra=extra)


CASES = [
    # ---------------- RepVGG
    C("repvgg_k3_c8_id", "repvgg", 8, 8, 3, 1, 1, 1, 1e-5, (9, 11),
      "RepVGGBlock with identity BN (in==out, stride 1), odd non-square input"),
    C("repvgg_k3_c4to8_s2_eps1e-3", "repvgg", 4, 8, 3, 2, 1, 1, 1e-3, (10, 13),
      "in!=out and stride 2 -> no rbr_identity; BN eps 1e-3"),
    C("repvgg_k3_c8_dw", "repvgg", 8, 8, 3, 1, 1, 8, 1e-5, (9, 11),
      "depthwise (groups==channels) with identity: id kernel [C,1,3,3]"),
    # ---------------- ACNet
    C("acb_k3p1_c4to8", "acb", 4, 8, 3, 1, 1, 1, 1e-5, (9, 11),
      "ACBlock K=3 p=1 (no crop), in!=out"),
    C("acb_k3p0_crop_c8_g2_eps1e-3", "acb", 8, 8, 3, 1, 0, 2, 1e-3, (9, 11),
      "ACBlock K=3 padding 0 -> crop=1 (ver conv sees input without first/last column, hor conv without first/last row); groups 2; eps 1e-3"),
    C("acb_k5p1_crop_s2_dw", "acb", 8, 8, 5, 2, 1, 8, 1e-5, (10, 13),
      "ACBlock K=5 padding 1 -> crop=1 with ver padding (1,0) / hor padding (0,1); stride 2; depthwise"),
    # ---------------- DBB
    C("dbb_k3_c4to8", "dbb", 4, 8, 3, 1, 1, 1, 1e-5, (9, 11),
      "DBB all 4 branches, idconv1 (internal==in), avg branch with conv+BNAndPad, in!=out"),
    C("dbb_k5_c8_g2_s2", "dbb", 8, 8, 5, 2, 2, 2, 1e-5, (10, 13),
      "DBB K=5 groups 2 stride 2: grouped IdentityBasedConv1x1 (id[i, i % (in/g)]), BNAndPad width 2",
      internalChannels=None),
    C("dbb_k3_c8_dw_eps1e-3", "dbb", 8, 8, 3, 1, 1, 8, 1e-3, (9, 11),
      "DBB depthwise (groups>=out): no dbb_1x1, dbb_avg = avg(pad 1)+avgbn only, internal 2*in -> conv1 [16,1,1,1]; eps 1e-3"),
    # ---------------- OREPA
    C("orepa_k3_c4to8", "orepa", 4, 8, 3, 1, 1, 1, 1e-5, (9, 11),
      "OREPA all six branches, random vector, idconv1+id_tensor buffer, in!=out"),
    C("orepa_k3_c8_g2_s2_eps1e-3", "orepa", 8, 8, 3, 2, 1, 2, 1e-3, (10, 13),
      "OREPA groups 2 stride 2: grouped 1x1_kxk and the interleaved pw row order of dwsc2full (pw row a*G+c -> output c*(O/G)+a); eps 1e-3"),
    C("orepa_k5_c8_dw", "orepa", 8, 8, 5, 1, 2, 8, 1e-5, (9, 11),
      "OREPA K=5 depthwise: groups>4 -> internal 2*in=16 (param still named ..._idconv1, id_tensor [16,1,1,1]); weight_orepa_prior only defined on [:, :3, :3], rest filled with random values -> read the buffer"),
    # ---------------- OREPA_1x1
    C("orepa1x1_c4to8", "orepa-1x1", 4, 8, 1, 1, 0, 1, 1e-5, (9, 11),
      "OREPA_1x1 out>in: l2i_conv1 [in,in] (eye-initialised officially, random here), l2i_conv2 [out,in]"),
    C("orepa1x1_c8to4_s2_eps1e-3", "orepa-1x1", 8, 4, 1, 2, 0, 1, 1e-3, (10, 13),
      "OREPA_1x1 out<=in: l2i_conv1 [out,in], l2i_conv2 [out,out] (eye officially, random here); stride 2; eps 1e-3"),
    # ---------------- RepVGGBlock_OREPA
    C("orepa_repvgg_c8_id", "orepa-repvgg", 8, 8, 3, 1, 1, 1, 1e-5, (9, 11),
      "RepVGGBlock_OREPA with identity; rbr_dense.vector has 6 rows (row 5 unused)"),
    C("orepa_repvgg_c4to8_s2_eps1e-3", "orepa-repvgg", 4, 8, 3, 2, 1, 1, 1e-3, (10, 13),
      "RepVGGBlock_OREPA without identity; rbr_dense.vector has 5 rows; stride 2; eps 1e-3"),
    # ---------------- OREPA_LargeConv
    C("orepa_large_k5_c4to8", "orepa-large", 4, 8, 5, 1, 2, 1, 1e-5, (9, 11),
      "OREPA_LargeConv K=5 = 2 weight_only OREPA 3x3 layers composed by weight_gen"),
    C("orepa_large_k7_c4_s2_eps1e-3", "orepa-large", 4, 4, 7, 2, 3, 1, 1e-3, (11, 13),
      "OREPA_LargeConv K=7 = 3 layers; stride 2; eps 1e-3 (probe input std 0.5 to keep float32 rounding below 1e-5)",
      inputStd=0.5),
    # ---------------- DyRep
    C("dyrep_k3_c8_all", "dyrep-dbb", 8, 8, 3, 1, 1, 1, 1e-5, (9, 11),
      "DyRep DBB with all 7 branches (1x1, 1x1_kxk, 1x1_avg, kxk with conv bias, 1xk, kx1, id)",
      mask=(1, 1, 1, 1, 1, 1, 1)),
    C("dyrep_k3_c8_g2_kxk_1x1_id_eps1e-3", "dyrep-dbb", 8, 8, 3, 1, 1, 2, 1e-3, (9, 11),
      "DyRep after cutting: only dbb_1x1 + dbb_kxk + dbb_id; groups 2; eps 1e-3",
      mask=(1, 0, 0, 1, 0, 0, 1)),
    C("dyrep_k5_c8_dw_s2", "dyrep-dbb", 8, 8, 5, 2, 2, 8, 1e-5, (10, 13),
      "DyRep K=5 depthwise stride 2: all branches requested, dbb_id dropped (stride 2); dbb_1x1_avg = avg(pad 2)+avgbn variant",
      mask=(1, 1, 1, 1, 1, 1, 1)),
    C("dyrep_k3p0_c4to6_int6", "dyrep-dbb", 4, 6, 3, 1, 0, 1, 1e-5, (9, 11),
      "DyRep with padding 0 (the 'unequal' branch set 1x1_kxk, 1x1_avg, kxk), internal_channels 6 != in; BNAndPad with 0 pixels",
      mask=(0, 1, 1, 1, 0, 0, 0), internalChannels=6),
]


def build(case):
    f, e = case["family"], case["extra"]
    a = (case["cin"], case["cout"], case["k"])
    s, p, g = case["stride"], case["padding"], case["groups"]
    if f == "repvgg":
        return RepVGGBlock(*a, stride=s, padding=p, groups=g)
    if f == "acb":
        return ACBlock(*a, stride=s, padding=p, groups=g)
    if f == "dbb":
        return DiverseBranchBlock(*a, stride=s, padding=p, groups=g,
                                  internal_channels_1x1_3x3=e.get("internalChannels"))
    if f == "orepa":
        return OREPA(*a, stride=s, padding=p, groups=g)
    if f == "orepa-1x1":
        return OREPA_1x1(*a, stride=s, padding=p, groups=g)
    if f == "orepa-repvgg":
        return RepVGGBlock_OREPA(*a, stride=s, padding=p, groups=g)
    if f == "orepa-large":
        return OREPA_LargeConv(*a, stride=s, padding=p, groups=g)
    if f == "dyrep-dbb":
        return DyRepDBB(*a, stride=s, groups=g, branches=e["mask"],
                        internal_channels=e.get("internalChannels"), padding=p)
    raise ValueError(f)


def extra_fields(case, m):
    f = case["family"]
    out = {}
    if f == "repvgg" or f == "orepa-repvgg":
        out["outputIsPreActivation"] = True
    if f == "acb":
        out["acbCrop"] = m.crop
        out["acbUseAffine"] = True
        out["acbUseLastBn"] = False
    if f == "dbb":
        out["internalChannels1x1_3x3"] = m.internal
        out["dbb1x1KxKFirst"] = "idconv1" if hasattr(m.dbb_1x1_kxk, "idconv1") else "conv1"
        out["dbbAvgVariant"] = "conv+bn(BNAndPad)+avg+avgbn" if hasattr(m.dbb_avg, "conv") else "avg(padded)+avgbn"
    if f == "orepa":
        out["internalChannels1x1_3x3"] = m.internal
        out["vectorRows"] = int(m.vector.shape[0])
        out["gconvExpandRatio"] = m.expand
        out["priorDefinedOnlyOn3x3"] = m.k > 3
    if f == "orepa-1x1":
        out["vectorRows"] = 2
        out["l2iLayout"] = "conv1[in,in],conv2[out,in]" if m.cout > m.cin else "conv1[out,in],conv2[out,out]"
    if f == "orepa-repvgg":
        out["denseVectorRows"] = int(m.rbr_dense.vector.shape[0])
        out["denseBranches"] = ["origin", "avg", "prior", "1x1_kxk", "dws_conv"]
        out["internalChannels1x1_3x3"] = m.rbr_dense.internal
    if f == "orepa-large":
        out["largeLayers"] = m.layers
        out["largeInternalChannels"] = m.cout
        out["largeLayerInternalChannels1x1_3x3"] = [getattr(m, "weight%d" % i).internal for i in range(m.layers)]
    if f == "dyrep-dbb":
        out["dyrepBranchMask"] = list(m.mask)
        out["dyrepBranchOrder"] = DYREP_NAMES
        if m.mask[1]:
            out["internalChannels"] = m.internal
        if m.mask[2]:
            out["dyrepAvgVariant"] = "conv+bn(BNAndPad)+avg+avgbn" if hasattr(m.dbb_1x1_avg, "conv") else "avg(padded)+avgbn"
    return out


# =============================================================================
# Documented-semantics checks (guard the formulas written in KEYS.md)
# =============================================================================

def check_documented_formulas():
    gen = torch.Generator().manual_seed(12345)
    # (a) orepa_dw_pw equals the index formula in KEYS.md and the official view chain
    for cin, cout, G in [(4, 8, 1), (8, 8, 2), (8, 12, 4), (8, 8, 8)]:
        E, k = 8, 3
        dw = _normal(gen, (cin * E, 1, k, k))
        pw = _normal(gen, (cout, cin * E // G, 1, 1))
        got = orepa_dw_pw(dw, pw, cin, G)
        ref = torch.zeros_like(got)
        ipg, opg = cin // G, cout // G
        for c in range(G):
            for a in range(opg):
                for j in range(ipg):
                    for t in range(E):
                        ref[c * opg + a, j] += dw[(c * ipg + j) * E + t, 0] * pw[a * G + c, j * E + t, 0, 0]
        assert torch.allclose(got, ref, atol=1e-12), "orepa_dw_pw formula"
        # the official reshape chain, re-derived: dw.view(G, in/G, E, 1, k, k),
        # pw.squeeze().view(out/G, G, in/G, E), 'cgtihw,ocgt->cogihw'
        d6 = dw.reshape(G, ipg, E, 1, k, k)
        p4 = pw.reshape(cout, -1).reshape(opg, G, ipg, E)
        off = torch.einsum("cgtihw,ocgt->cogihw", d6, p4).reshape(cout, ipg, k, k)
        assert torch.allclose(got, off, atol=1e-12), "orepa_dw_pw vs official view chain"
    # (b) compose_after equals F.conv2d(w^T, w2, padding=2)^T, and differs from the
    #     plain sequential composition (which would need a flipped w2)
    w0 = _normal(gen, (6, 4, 3, 3))
    w1 = _normal(gen, (5, 6, 3, 3))
    got = compose_after(w0, w1)
    off = F.conv2d(w0.transpose(0, 1), w1, padding=2).transpose(0, 1)
    assert torch.allclose(got, off, atol=1e-12), "compose_after vs conv2d form"
    seq = F.conv_transpose2d(w0.transpose(0, 1), w1.transpose(0, 1)).transpose(0, 1)  # true convolution
    flipped = compose_after(w0, torch.flip(w1, dims=[2, 3]))
    assert torch.allclose(seq, flipped, atol=1e-12), "sequential == compose with flipped kernel"
    diff = (seq - got).abs().max().item()
    assert diff > 1e-3, "composition unexpectedly equals sequential application"
    return diff


# =============================================================================
# Main
# =============================================================================

def sd_first_float(sd):
    return next(k for k, v in sd.items() if v.is_floating_point())


def repo_root():
    return os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def run(out_dir):
    torch.set_num_threads(1)
    seq_diff = check_documented_formulas()
    if os.path.isdir(out_dir):
        for fn in os.listdir(out_dir):
            if fn.endswith(".npz") or fn == "manifest.json":
                os.remove(os.path.join(out_dir, fn))
    os.makedirs(out_dir, exist_ok=True)
    manifest = {"generator": "tools/golden/make_golden.py", "torch": torch.__version__, "cases": []}
    failures = []
    for case in CASES:
        seed = zlib.crc32(case["name"].encode("utf-8"))
        for dtype in (torch.float32, torch.float64):
            dname = DTYPE_NAMES[dtype]
            name = "%s_%s" % (case["name"], "f32" if dtype == torch.float32 else "f64")
            gen = torch.Generator().manual_seed(seed)
            m = build(case).to(dtype)
            randomize(m, gen, case["eps"])
            m.eval()
            H, W_ = case["hw"]
            x = _normal(gen, (2, case["cin"], H, W_), case["extra"].get("inputStd", 1.0)).to(dtype)
            with torch.no_grad():
                y = m(x)
                # fused kernel computed in float64 from the stored values, then cast
                m64 = copy.deepcopy(m).double()
                Wf, bf = m64.fuse()
                Wf, bf = Wf.to(dtype), bf.to(dtype)
                y_fused = F.conv2d(x, Wf, bf, case["stride"], case["padding"], 1, case["groups"])
                err = (y - y_fused).abs().max().item()
                bw_err = float("nan")
                if hasattr(m, "branchwise_forward"):
                    bw_err = (m.branchwise_forward(x) - y).abs().max().item()
            expect_shape = (case["cout"], case["cin"] // case["groups"], case["k"], case["k"])
            ok = tuple(Wf.shape) == expect_shape and y.shape == y_fused.shape
            ok = ok and err <= TOL[dtype] and (math.isnan(bw_err) or bw_err <= TOL[dtype])
            print("%-40s %s out=%-14s |fused-module|=%.2e |branchwise-module|=%-9s max|out|=%.2f %s"
                  % (name, dname, tuple(y.shape), err, "n/a" if math.isnan(bw_err) else "%.2e" % bw_err, y.abs().max().item(), "OK" if ok else "FAIL"))
            if not ok:
                failures.append(name)
                continue
            sd = m.state_dict()
            wpath = os.path.join(out_dir, name + ".npz")
            epath = os.path.join(out_dir, name + ".expected.npz")
            np.savez(wpath, **{k: v.detach().cpu().numpy() for k, v in sd.items()})
            np.savez(epath, weight=Wf.numpy(), bias=bf.numpy(), input=x.numpy(), output=y.numpy())
            # round trip: the written files alone must reproduce the output
            z, e = np.load(wpath), np.load(epath)
            fresh = build(case).to(dtype)
            fresh.load_state_dict({k: torch.from_numpy(z[k]) for k in z.files}, strict=True)
            for mod in fresh.modules():
                if isinstance(mod, nn.BatchNorm2d):
                    mod.eps = case["eps"]
            fresh.eval()
            with torch.no_grad():
                rt = (fresh(torch.from_numpy(e["input"])) - torch.from_numpy(e["output"])).abs().max().item()
            if rt != 0.0 or z[sd_first_float(sd)].dtype != np.dtype(dname):
                print("round trip failed for " + name, file=sys.stderr)
                failures.append(name)
            entry = {
                "name": name, "family": case["family"], "dtype": dname,
                "inChannels": case["cin"], "outChannels": case["cout"], "kernel": case["k"],
                "stride": case["stride"], "padding": case["padding"], "groups": case["groups"],
                "bnEps": case["eps"], "inputShape": list(x.shape), "outputShape": list(y.shape),
                "weights": name + ".npz", "expected": name + ".expected.npz",
                "branches": m.branches(), "notes": case["notes"],
                "stateDictKeys": list(sd.keys()),
            }
            entry.update(extra_fields(case, m))
            manifest["cases"].append(entry)
    if failures:
        print("SELF-CHECK FAILED for: " + ", ".join(failures), file=sys.stderr)
        sys.exit(1)
    with open(os.path.join(out_dir, "manifest.json"), "w") as fh:
        json.dump(manifest, fh, indent=1)
        fh.write("\n")
    total = sum(os.path.getsize(os.path.join(out_dir, f)) for f in os.listdir(out_dir))
    print("OREPA_LargeConv composition vs plain sequential composition (random kernels): max diff %.3f" % seq_diff)
    print("%d cases written to %s, %d bytes total" % (len(manifest["cases"]), out_dir, total))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(repo_root(), "engine", "src", "test", "resources", "golden"),
                    help="output directory (default: engine/src/test/resources/golden)")
    args = ap.parse_args()
    run(os.path.abspath(args.out))


if __name__ == "__main__":
    main()
