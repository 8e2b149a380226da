#!/usr/bin/env python3
"""The sample checkpoint of the Model workspace, written by PyTorch itself.

    /usr/bin/python3 tools/model/make_sample_model.py [--out FILE]

Writes sample-models/models/tiny-repvgg.pth: the state dict of a small RepVGG-style
classifier with the official RepVGG key names (rbr_dense, rbr_1x1, rbr_identity),
as torch.save(model.state_dict(), f) writes it:

    stage0     RepVGGBlock  3 -> 8,  stride 2           (no identity: channels change)
    stage1.0   RepVGGBlock  8 -> 16, stride 2
    stage1.1   RepVGGBlock 16 -> 16                     (identity; its BN scale is large on
                                                          two channels, which widens the
                                                          fused kernel's range: INT8-sensitive)
    stage2.0   RepVGGBlock 16 -> 32, stride 2, groups 2
    stage2.1   RepVGGBlock 32 -> 32, groups 2           (identity; BN statistics never
                                                          trained: mean 0, var 1, 0 batches)
    linear     Linear 32 -> 10                          (passes through)

The BN statistics of every other block come from a few training-mode passes over random
images. Everything is deterministic (fixed seed). The script checks that the eval-mode
multi-branch forward equals the deploy-form forward of its own conversion.
"""

import argparse
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "..", "..", "sample-models", "models", "tiny-repvgg.pth")


def conv_bn(cin, cout, k, stride, padding, groups):
    m = nn.Sequential()
    m.add_module("conv", nn.Conv2d(cin, cout, k, stride, padding, groups=groups, bias=False))
    m.add_module("bn", nn.BatchNorm2d(cout))
    return m


class RepVGGBlock(nn.Module):
    def __init__(self, cin, cout, stride=1, groups=1):
        super().__init__()
        self.groups = groups
        self.rbr_identity = nn.BatchNorm2d(cin) if cin == cout and stride == 1 else None
        self.rbr_dense = conv_bn(cin, cout, 3, stride, 1, groups)
        self.rbr_1x1 = conv_bn(cin, cout, 1, stride, 0, groups)

    def forward(self, x):
        idt = 0 if self.rbr_identity is None else self.rbr_identity(x)
        return F.relu(self.rbr_dense(x) + self.rbr_1x1(x) + idt)

    def fused(self):
        """The deploy kernel and bias, as RepVGG's get_equivalent_kernel_bias computes them."""

        def fuse(kernel, bn):
            std = (bn.running_var + bn.eps).sqrt()
            t = (bn.weight / std).reshape(-1, 1, 1, 1)
            return kernel * t, bn.bias - bn.running_mean * bn.weight / std

        k3, b3 = fuse(self.rbr_dense.conv.weight, self.rbr_dense.bn)
        k1, b1 = fuse(self.rbr_1x1.conv.weight, self.rbr_1x1.bn)
        k = k3 + F.pad(k1, [1, 1, 1, 1])
        b = b3 + b1
        if self.rbr_identity is not None:
            cin = self.rbr_dense.conv.in_channels // self.groups
            ident = torch.zeros_like(k3)
            for i in range(k3.shape[0]):
                ident[i, i % cin, 1, 1] = 1
            ki, bi = fuse(ident, self.rbr_identity)
            k, b = k + ki, b + bi
        return k, b


class TinyRepVGG(nn.Module):
    def __init__(self):
        super().__init__()
        self.stage0 = RepVGGBlock(3, 8, stride=2)
        self.stage1 = nn.Sequential(RepVGGBlock(8, 16, stride=2), RepVGGBlock(16, 16))
        self.stage2 = nn.Sequential(
            RepVGGBlock(16, 32, stride=2, groups=2), RepVGGBlock(32, 32, groups=2)
        )
        self.linear = nn.Linear(32, 10)

    def blocks(self):
        return [self.stage0, *self.stage1, *self.stage2]

    def forward(self, x):
        for b in self.blocks():
            x = b(x)
        return self.linear(x.mean((2, 3)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=DEFAULT_OUT)
    args = ap.parse_args()

    torch.manual_seed(7)
    torch.set_num_threads(1)
    model = TinyRepVGG()
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
        # Two channels whose identity scale is large: the fused kernel's range is inflated
        # by the identity branch, which is what makes per-tensor INT8 lose the others.
        model.stage1[1].rbr_identity.weight[3] = 6.0
        model.stage1[1].rbr_identity.weight[11] = -5.0
    model.train()
    with torch.no_grad():
        for _ in range(5):
            model(torch.randn(16, 3, 32, 32))
    # The problem block: statistics never trained (as after loading weights into a model
    # that was never run in training mode).
    last = model.stage2[1]
    for bn in (last.rbr_dense.bn, last.rbr_1x1.bn, last.rbr_identity):
        bn.reset_running_stats()
    model.eval()

    # Self-check: the multi-branch block in eval mode equals its deploy conv.
    with torch.no_grad():
        x = torch.randn(2, 3, 32, 32)
        for b in model.blocks():
            k, bias = b.fused()
            conv = b.rbr_dense.conv
            y = F.relu(F.conv2d(x, k, bias, conv.stride, 1, groups=b.groups))
            assert torch.allclose(b(x), y, atol=1e-5), "the fused block disagrees"
            x = y

    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    torch.save(model.state_dict(), args.out)
    sd = torch.load(args.out)
    assert list(sd) == list(model.state_dict()), "keys differ after reading back"
    print(f"wrote {args.out}: {len(sd)} keys, "
          f"{sum(t.numel() for t in sd.values())} values")


if __name__ == "__main__":
    main()
