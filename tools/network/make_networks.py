#!/usr/bin/python3
"""Whole-network fixtures for RepLens's network inspector and converter.

Small PyTorch networks built from re-parameterizable blocks with the official
module names (RepVGG's rbr_dense/rbr_1x1/rbr_identity, also used by YOLOv6;
DBB's dbb_origin/dbb_avg/dbb_1x1/dbb_1x1_kxk), each saved as .pth (torch.save),
.safetensors (written by hand: the library isn't installed here) and .npz,
together with this script's own conversion to the deploy form
(<name>.deploy.npz): the oracle the Java converter is tested against.

The conversion here is written from the papers' formulas (see
tools/golden/KEYS.md) and checked before anything is saved: the deploy model,
loaded with strict=True, must reproduce the training model in eval mode.

    /usr/bin/python3 tools/network/make_networks.py                 # the fixtures
    /usr/bin/python3 tools/network/make_networks.py --out DIR
    /usr/bin/python3 tools/network/make_networks.py --check NAME FILE.pth
        # loads FILE.pth (e.g. what `replens convert` wrote) into NAME's deploy
        # model with strict=True and compares it with the training model
        # saved in the fixtures; exit 0 if it matches, 1 otherwise

Networks:
  repvgg_groups  a small RepVGG with grouped blocks (g = 2, 4) and a classifier
  dbb_resnet     a ResNet-style net of DiverseBranchBlocks: plain stem, grouped
                 and depthwise DBBs, a 1x1 shortcut, a classifier
  yolov6_backbone  an EfficientRep-style backbone (RepVGG blocks in stem,
                 ERBlock_n and RepBlock, a SimSPPF of plain convs); its .pth is
                 wrapped as {'model': ...} with DDP's module. prefix
  mixed          a RepVGG net with one block in deploy form, one whose BNs were
                 never trained, one partly present (a missing and an unexpected
                 key) and one partly converted; it has no deploy dict
"""

import argparse
import collections
import json
import os
import struct
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "..", "..", "engine", "src", "test", "resources", "network")
EPS = 1e-5

# =============================================================================
# Blocks with the official names
# =============================================================================


def conv_bn(cin, cout, k, stride, padding, groups):
    s = nn.Sequential()
    s.add_module("conv", nn.Conv2d(cin, cout, k, stride, padding, groups=groups, bias=False))
    s.add_module("bn", nn.BatchNorm2d(cout))
    return s


class RepVGGBlock(nn.Module):
    """relu(BN(conv3x3) + BN(conv1x1) + BN(x)); deploy: relu(conv3x3 with bias)."""

    def __init__(self, cin, cout, stride=1, groups=1, deploy=False):
        super().__init__()
        self.cin, self.cout, self.stride, self.groups = cin, cout, stride, groups
        self.deploy = deploy
        if deploy:
            self.rbr_reparam = nn.Conv2d(cin, cout, 3, stride, 1, groups=groups, bias=True)
        else:
            self.rbr_identity = nn.BatchNorm2d(cin) if cin == cout and stride == 1 else None
            self.rbr_dense = conv_bn(cin, cout, 3, stride, 1, groups)
            self.rbr_1x1 = conv_bn(cin, cout, 1, stride, 0, groups)
        self.nonlinearity = nn.ReLU()

    def forward(self, x):
        if self.deploy:
            return self.nonlinearity(self.rbr_reparam(x))
        y = self.rbr_dense(x) + self.rbr_1x1(x)
        if self.rbr_identity is not None:
            y = y + self.rbr_identity(x)
        return self.nonlinearity(y)

    def fused(self):
        k, b = fold(self.rbr_dense.conv.weight, self.rbr_dense.bn)
        k1, b1 = fold(self.rbr_1x1.conv.weight, self.rbr_1x1.bn)
        k = k + F.pad(k1, [1, 1, 1, 1])
        b = b + b1
        if self.rbr_identity is not None:
            kid, bid = fold(identity_kernel(self.cin, self.cin // self.groups, 3), self.rbr_identity)
            k, b = k + kid, b + bid
        return k, b


class BNAndPad(nn.Module):
    """Eval-mode BN, then a frame of `pad` pixels holding BN's output for a zero input."""

    def __init__(self, channels, pad):
        super().__init__()
        self.bn = nn.BatchNorm2d(channels)
        self.pad = pad

    def forward(self, x):
        y = self.bn(x)
        if self.pad > 0:
            bn = self.bn
            value = bn.bias - bn.running_mean * bn.weight / torch.sqrt(bn.running_var + bn.eps)
            y = F.pad(y, [self.pad] * 4)
            v = value.view(1, -1, 1, 1)
            p = self.pad
            y[:, :, :p, :] = v
            y[:, :, -p:, :] = v
            y[:, :, :, :p] = v
            y[:, :, :, -p:] = v
        return y


class IdentityBasedConv1x1(nn.Conv2d):
    """A 1x1 conv whose effective kernel is weight + identity (the identity is not a buffer)."""

    def __init__(self, channels, groups):
        super().__init__(channels, channels, 1, groups=groups, bias=False)
        ipg = channels // groups
        ident = torch.zeros(channels, ipg, 1, 1)
        for i in range(channels):
            ident[i, i % ipg, 0, 0] = 1
        self.id_tensor = ident  # a plain attribute: never in the state dict

    def forward(self, x):
        return F.conv2d(x, self.weight + self.id_tensor, None, 1, 0, 1, self.groups)


class DiverseBranchBlock(nn.Module):
    def __init__(self, cin, cout, k, stride=1, padding=1, groups=1, deploy=False):
        super().__init__()
        self.cin, self.cout, self.k, self.groups = cin, cout, k, groups
        self.deploy = deploy
        if deploy:
            self.dbb_reparam = nn.Conv2d(cin, cout, k, stride, padding, groups=groups, bias=True)
            return
        self.dbb_origin = conv_bn(cin, cout, k, stride, padding, groups)
        self.dbb_avg = nn.Sequential()
        if groups < cout:
            self.dbb_avg.add_module("conv", nn.Conv2d(cin, cout, 1, 1, 0, groups=groups, bias=False))
            self.dbb_avg.add_module("bn", BNAndPad(cout, padding))
            self.dbb_avg.add_module("avg", nn.AvgPool2d(k, stride, 0))
            self.dbb_1x1 = conv_bn(cin, cout, 1, stride, 0, groups)
        else:
            self.dbb_avg.add_module("avg", nn.AvgPool2d(k, stride, padding))
        self.dbb_avg.add_module("avgbn", nn.BatchNorm2d(cout))
        internal = cin if groups < cout else 2 * cin
        self.dbb_1x1_kxk = nn.Sequential()
        if internal == cin:
            self.dbb_1x1_kxk.add_module("idconv1", IdentityBasedConv1x1(cin, groups))
        else:
            self.dbb_1x1_kxk.add_module(
                "conv1", nn.Conv2d(cin, internal, 1, 1, 0, groups=groups, bias=False))
        self.dbb_1x1_kxk.add_module("bn1", BNAndPad(internal, padding))
        self.dbb_1x1_kxk.add_module(
            "conv2", nn.Conv2d(internal, cout, k, stride, 0, groups=groups, bias=False))
        self.dbb_1x1_kxk.add_module("bn2", nn.BatchNorm2d(cout))
        self.nonlinear = nn.Identity()

    def forward(self, x):
        if self.deploy:
            return self.dbb_reparam(x)
        y = self.dbb_origin(x) + self.dbb_avg(x) + self.dbb_1x1_kxk(x)
        if hasattr(self, "dbb_1x1"):
            y = y + self.dbb_1x1(x)
        return y

    def fused(self):
        g, K = self.groups, self.k
        k, b = fold(self.dbb_origin.conv.weight, self.dbb_origin.bn)
        if hasattr(self, "dbb_1x1"):
            k1, b1 = fold(self.dbb_1x1.conv.weight, self.dbb_1x1.bn)
            k, b = k + F.pad(k1, [K // 2] * 4), b + b1
        seq = self.dbb_1x1_kxk
        if hasattr(seq, "idconv1"):
            first = seq.idconv1.weight + seq.idconv1.id_tensor
        else:
            first = seq.conv1.weight
        ka, ba = fold(first, seq.bn1.bn)
        kb, bb = fold(seq.conv2.weight, seq.bn2)
        kc, bc = chain(ka, ba, kb, bb, g)
        k, b = k + kc, b + bc
        avg = self.dbb_avg
        if hasattr(avg, "conv"):
            ka, ba = fold(avg.conv.weight, avg.bn.bn)
            kp, bp = fold(avg_kernel(self.cout, self.cout // g, K), avg.avgbn)
            kc, bc = chain(ka, ba, kp, bp, g)
        else:
            kc, bc = fold(avg_kernel(self.cout, self.cin // g, K), avg.avgbn)
        return k + kc, b + bc


# =============================================================================
# The conversion, from the formulas (KEYS.md section 0)
# =============================================================================


def fold(kernel, bn):
    t = bn.weight / torch.sqrt(bn.running_var + bn.eps)
    return kernel * t.reshape(-1, 1, 1, 1), bn.bias - bn.running_mean * t


def identity_kernel(rows, cols, k):
    ident = torch.zeros(rows, cols, k, k, dtype=torch.float64)
    for r in range(rows):
        ident[r, r % cols, k // 2, k // 2] = 1
    return ident.float()


def avg_kernel(rows, cols, k):
    a = torch.zeros(rows, cols, k, k, dtype=torch.float64)
    for r in range(rows):
        a[r, r % cols] = 1.0 / (k * k)
    return a.float()


def chain(k1, b1, k2, b2, groups):
    """A 1x1 conv (k1, b1) then a KxK conv (k2, b2), both grouped, as one KxK conv."""
    t, o = k1.shape[0], k2.shape[0]
    tpg, opg = t // groups, o // groups
    ws, bs = [], []
    for q in range(groups):
        a = k1[q * tpg:(q + 1) * tpg, :, 0, 0]  # [tpg, ipg]
        c = k2[q * opg:(q + 1) * opg]  # [opg, tpg, K, K]
        ws.append(torch.einsum("othw,ti->oihw", c, a))
        bs.append(torch.einsum("othw,t->o", c, b1[q * tpg:(q + 1) * tpg]))
    return torch.cat(ws), torch.cat(bs) + b2


# =============================================================================
# Networks
# =============================================================================


class RepVGGGroups(nn.Module):
    def __init__(self, deploy=False):
        super().__init__()
        d = deploy
        self.stage0 = RepVGGBlock(3, 8, 2, deploy=d)
        self.stage1 = nn.Sequential(
            RepVGGBlock(8, 16, 2, deploy=d),
            RepVGGBlock(16, 16, 1, groups=2, deploy=d),
            RepVGGBlock(16, 16, 1, deploy=d))
        self.stage2 = nn.Sequential(
            RepVGGBlock(16, 16, 2, deploy=d),
            RepVGGBlock(16, 16, 1, groups=4, deploy=d))
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.linear = nn.Linear(16, 10)

    def forward(self, x):
        x = self.stage2(self.stage1(self.stage0(x)))
        return self.linear(self.gap(x).flatten(1))


class DbbBasicBlock(nn.Module):
    def __init__(self, cin, cout, stride, groups2, deploy):
        super().__init__()
        self.conv1 = DiverseBranchBlock(cin, cout, 3, stride, 1, 1, deploy)
        self.conv2 = DiverseBranchBlock(cout, cout, 3, 1, 1, groups2, deploy)
        self.shortcut = None
        if stride != 1 or cin != cout:
            self.shortcut = conv_bn(cin, cout, 1, stride, 0, 1)

    def forward(self, x):
        s = x if self.shortcut is None else self.shortcut(x)
        return F.relu(self.conv2(F.relu(self.conv1(x))) + s)


class DbbResNet(nn.Module):
    def __init__(self, deploy=False):
        super().__init__()
        self.stem = nn.Sequential()
        self.stem.add_module("conv", nn.Conv2d(3, 8, 3, 1, 1, bias=False))
        self.stem.add_module("bn", nn.BatchNorm2d(8))
        self.layer1 = nn.Sequential(DbbBasicBlock(8, 8, 1, 2, deploy))
        self.layer2 = nn.Sequential(DbbBasicBlock(8, 16, 2, 1, deploy))
        self.layer3 = DiverseBranchBlock(16, 16, 3, 1, 1, 16, deploy)  # depthwise
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = F.relu(self.stem(x))
        x = self.layer3(self.layer2(self.layer1(x)))
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))


class SimConv(nn.Module):
    def __init__(self, cin, cout, k):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, 1, k // 2, bias=False)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


class SimSPPF(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        c = cin // 2
        self.cv1 = SimConv(cin, c, 1)
        self.m = nn.MaxPool2d(5, 1, 2)
        self.cv2 = SimConv(c * 4, cout, 1)

    def forward(self, x):
        x = self.cv1(x)
        y1 = self.m(x)
        y2 = self.m(y1)
        return self.cv2(torch.cat([x, y1, y2, self.m(y2)], 1))


class RepBlock(nn.Module):
    def __init__(self, cin, cout, n, deploy):
        super().__init__()
        self.conv1 = RepVGGBlock(cin, cout, deploy=deploy)
        self.block = (nn.Sequential(*(RepVGGBlock(cout, cout, deploy=deploy) for _ in range(n - 1)))
                      if n > 1 else None)

    def forward(self, x):
        x = self.conv1(x)
        return x if self.block is None else self.block(x)


class EfficientRep(nn.Module):
    def __init__(self, deploy=False):
        super().__init__()
        self.stem = RepVGGBlock(3, 8, 2, deploy=deploy)
        self.ERBlock_2 = nn.Sequential(RepVGGBlock(8, 16, 2, deploy=deploy),
                                       RepBlock(16, 16, 2, deploy))
        self.ERBlock_3 = nn.Sequential(RepVGGBlock(16, 16, 2, deploy=deploy),
                                       RepBlock(16, 16, 1, deploy), SimSPPF(16, 16))

    def forward(self, x):
        return self.ERBlock_3(self.ERBlock_2(self.stem(x)))


class Yolov6Backbone(nn.Module):
    def __init__(self, deploy=False):
        super().__init__()
        self.backbone = EfficientRep(deploy)

    def forward(self, x):
        return self.backbone(x)


NETWORKS = {
    "repvgg_groups": RepVGGGroups,
    "dbb_resnet": DbbResNet,
    "yolov6_backbone": Yolov6Backbone,
}

# =============================================================================
# Weights, conversion, writers
# =============================================================================


def randomize(model, gen):
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("idconv1.weight"):
                p.copy_(0.2 * torch.randn(p.shape, generator=gen))
            elif p.dim() == 4:
                fan_in = p.shape[1] * p.shape[2] * p.shape[3]
                p.copy_(torch.randn(p.shape, generator=gen) / fan_in ** 0.5)
            elif name.endswith("bn.weight") or ".bn" in name and name.endswith("weight"):
                p.copy_(0.5 + torch.rand(p.shape, generator=gen))
            else:
                p.copy_(0.1 * torch.randn(p.shape, generator=gen))
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.copy_(0.5 + torch.rand(m.weight.shape, generator=gen))
                m.bias.copy_(0.1 * torch.randn(m.bias.shape, generator=gen))
                m.running_mean.copy_(0.1 * torch.randn(m.running_mean.shape, generator=gen))
                m.running_var.copy_(0.5 + torch.rand(m.running_var.shape, generator=gen))
                m.num_batches_tracked.fill_(50)


def reparam_blocks(model):
    return [(n, m) for n, m in model.named_modules()
            if isinstance(m, (RepVGGBlock, DiverseBranchBlock)) and not m.deploy]


def deploy_name(block):
    return "rbr_reparam" if isinstance(block, RepVGGBlock) else "dbb_reparam"


def convert(model):
    """The deploy state dict: each block's fused conv, every other key as it is."""
    sd = model.state_dict()
    out = collections.OrderedDict()
    blocks = reparam_blocks(model)
    done = set()
    for key, value in sd.items():
        owner = None
        for name, block in blocks:
            if key.startswith(name + "."):
                owner = (name, block)
                break
        if owner is None:
            out[key] = value.clone()
            continue
        name, block = owner
        if name in done:
            continue
        done.add(name)
        with torch.no_grad():
            k, b = block.fused()
        out[name + "." + deploy_name(block) + ".weight"] = k.detach().clone()
        out[name + "." + deploy_name(block) + ".bias"] = b.detach().clone()
    return out


ST_CODE = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64"}


def safetensors_bytes(sd):
    """A .safetensors file: 8-byte little-endian header length, JSON header, raw data."""
    header, blobs, offset = collections.OrderedDict(), [], 0
    for k, t in sd.items():
        data = t.contiguous().numpy().tobytes()
        header[k] = {"dtype": ST_CODE[t.dtype], "shape": list(t.shape),
                     "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def save_all(out, name, sd, wrap=False):
    obj = sd
    if wrap:
        obj = {"model": collections.OrderedDict(("module." + k, v) for k, v in sd.items()),
               "epoch": 3}
    torch.save(obj, os.path.join(out, name + ".pth"))
    with open(os.path.join(out, name + ".safetensors"), "wb") as f:
        f.write(safetensors_bytes(sd))
    np.savez(os.path.join(out, name + ".npz"), **{k: v.numpy() for k, v in sd.items()})


def check_equivalent(name, train, deploy, sd_deploy):
    deploy.load_state_dict(sd_deploy, strict=True)
    train.eval()
    deploy.eval()
    x = torch.randn(2, 3, 17, 15, generator=torch.Generator().manual_seed(3))
    with torch.no_grad():
        a, b = train(x), deploy(x)
    err = (a - b).abs().max().item() / a.abs().max().item()
    if err > 1e-5:
        raise SystemExit(f"{name}: the deploy model differs from the training model by {err:.3g}")
    return err


def make_mixed(gen):
    """RepVGG net: stage0 deploy form, stage1.1 BN never trained, stage1.2 partly present,
    stage2.1 partly converted."""
    model = RepVGGGroups()
    randomize(model, gen)
    sd = model.state_dict()
    conv = convert(model)
    out = collections.OrderedDict()
    for k, v in sd.items():
        if k.startswith("stage0."):
            continue
        out[k] = v
    # stage0: deploy form, first in the file
    head = collections.OrderedDict(
        (k, v) for k, v in conv.items() if k.startswith("stage0.rbr_reparam."))
    out = collections.OrderedDict(list(head.items()) + list(out.items()))
    # stage1.1: fresh BN statistics
    for k in list(out):
        if k.startswith("stage1.1.") and ("rbr_identity" in k or ".bn." in k):
            if k.endswith("running_mean"):
                out[k] = torch.zeros_like(out[k])
            elif k.endswith("running_var"):
                out[k] = torch.ones_like(out[k])
            elif k.endswith("num_batches_tracked"):
                out[k] = torch.tensor(0)
    # stage1.2: a missing and an unexpected key
    del out["stage1.2.rbr_1x1.bn.running_var"]
    out["stage1.2.rbr_dense.conv.bias"] = torch.zeros(16)
    # stage2.1: the deploy conv beside the training branches
    out["stage2.1.rbr_reparam.weight"] = conv["stage2.1.rbr_reparam.weight"]
    out["stage2.1.rbr_reparam.bias"] = conv["stage2.1.rbr_reparam.bias"]
    return out


def make(out):
    os.makedirs(out, exist_ok=True)
    summary = {}
    for i, (name, cls) in enumerate(NETWORKS.items()):
        gen = torch.Generator().manual_seed(100 + i)
        train = cls()
        randomize(train, gen)
        sd = train.state_dict()
        deploy_sd = convert(train)
        err = check_equivalent(name, train, cls(deploy=True), deploy_sd)
        save_all(out, name, sd, wrap=(name == "yolov6_backbone"))
        np.savez(os.path.join(out, name + ".deploy.npz"),
                 **{k: v.numpy() for k, v in deploy_sd.items()})
        summary[name] = {"blocks": len(reparam_blocks(train)), "keys": len(sd),
                         "deployKeys": len(deploy_sd), "forwardRelError": err}
    mixed = make_mixed(torch.Generator().manual_seed(200))
    save_all(out, "mixed", mixed)
    summary["mixed"] = {"keys": len(mixed)}
    with open(os.path.join(out, "networks.json"), "w") as f:
        json.dump(summary, f, indent=2, sort_keys=True)
        f.write("\n")
    # the files read back with torch itself
    for name in NETWORKS:
        loaded = torch.load(os.path.join(out, name + ".pth"))
        assert len(loaded) > 0
    print(json.dumps(summary, indent=2, sort_keys=True))


def check(name, path, fixtures):
    if name not in NETWORKS:
        print(f"unknown network '{name}'; expected one of {', '.join(NETWORKS)}")
        return 2
    sd = torch.load(path, map_location="cpu")
    deploy = NETWORKS[name](deploy=True)
    try:
        deploy.load_state_dict(sd, strict=True)
    except RuntimeError as e:
        print(f"strict load failed: {str(e).splitlines()[0]}")
        return 1
    train = NETWORKS[name]()
    src = torch.load(os.path.join(fixtures, name + ".pth"), map_location="cpu")
    if "model" in src:
        src = collections.OrderedDict((k[len("module."):], v) for k, v in src["model"].items())
    train.load_state_dict(src, strict=True)
    train.eval()
    deploy.eval()
    x = torch.randn(2, 3, 17, 15, generator=torch.Generator().manual_seed(5))
    with torch.no_grad():
        a, b = train(x), deploy(x)
    err = (a - b).abs().max().item() / a.abs().max().item()
    print(f"{name}: strict load ok, forward relative error {err:.3g}")
    return 0 if err <= 1e-5 else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--check", nargs=2, metavar=("NAME", "FILE"))
    args = ap.parse_args()
    torch.set_num_threads(1)
    if args.check:
        sys.exit(check(args.check[0], args.check[1], args.out))
    make(args.out)


if __name__ == "__main__":
    main()
