#!/usr/bin/python3
"""PyTorch CPU timing of the network `replens bench train` times, for comparison.

Same model and sizes: stem conv3x3 (3 -> C) + BN + ReLU, `depth` DBB blocks (C -> C), global
average pooling, linear (C -> 10); batch 64 of 32x32 RGB inputs; SGD (lr 0.05, momentum 0.9,
weight decay 1e-4); float32. Modes:

  offline  every DBB branch computed separately with its own train-mode BN
           (KxK+BN, 1x1+BN, 1x1+BN->avg+BN, 1x1+BN->KxK+BN), inputs padded once per branch;
  online   OREPA-style: branch BNs become learnable per-channel scales, the branch kernels are
           generated and summed inside the graph, then one conv + one BN;
  plain    one KxK conv + BN.

Each mode runs in its own subprocess so that its peak RSS (ru_maxrss) is its own.

    /usr/bin/python3 tools/train/torch_bench.py [--threads 2] [--channels 32] [--steps 20] [--json]
"""
import argparse
import json
import resource
import subprocess
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class DbbOffline(nn.Module):
    def __init__(self, c, k=3):
        super().__init__()
        self.k = k
        self.origin = nn.Conv2d(c, c, k, bias=False)
        self.origin_bn = nn.BatchNorm2d(c)
        self.one = nn.Conv2d(c, c, 1, bias=False)
        self.one_bn = nn.BatchNorm2d(c)
        self.avg_conv = nn.Conv2d(c, c, 1, bias=False)
        self.avg_bn = nn.BatchNorm2d(c)
        self.avg_bn2 = nn.BatchNorm2d(c)
        self.kxk1 = nn.Conv2d(c, c, 1, bias=False)
        self.kxk_bn1 = nn.BatchNorm2d(c)
        self.kxk2 = nn.Conv2d(c, c, k, bias=False)
        self.kxk_bn2 = nn.BatchNorm2d(c)

    def forward(self, x):
        p = self.k // 2
        xp = F.pad(x, (p, p, p, p))  # pad the block input once, ops unpadded
        y = self.origin_bn(self.origin(xp))
        y = y + self.one_bn(self.one(x))
        a = self.avg_bn(self.avg_conv(xp))
        y = y + self.avg_bn2(F.avg_pool2d(a, self.k, stride=1))
        b = self.kxk_bn1(self.kxk1(xp))
        y = y + self.kxk_bn2(self.kxk2(b))
        return F.relu(y)


class DbbOnline(nn.Module):
    def __init__(self, c, k=3):
        super().__init__()
        self.k = k
        self.c = c
        self.w_origin = nn.Parameter(torch.randn(c, c, k, k) * (2 / (c * k * k)) ** 0.5)
        self.w_one = nn.Parameter(torch.randn(c, c, 1, 1) * (2 / c) ** 0.5)
        self.w_avg = nn.Parameter(torch.randn(c, c, 1, 1) * (2 / c) ** 0.5)
        self.w_kxk1 = nn.Parameter(torch.randn(c, c, 1, 1) * (2 / c) ** 0.5)
        self.w_kxk2 = nn.Parameter(torch.randn(c, c, k, k) * (2 / (c * k * k)) ** 0.5)
        self.s = nn.Parameter(torch.ones(6, c))  # origin, 1x1, avg (x2), kxk (x2)
        self.bn = nn.BatchNorm2d(c)
        self.register_buffer("avg", torch.ones(k, k) / (k * k))

    def kernel(self):
        k, c, s = self.k, self.c, self.s
        w = self.w_origin * s[0].view(-1, 1, 1, 1)
        w = w + F.pad(self.w_one * s[1].view(-1, 1, 1, 1), [k // 2] * 4)
        a = (self.w_avg * s[2].view(-1, 1, 1, 1)).view(c, c, 1, 1) * self.avg.view(1, 1, k, k)
        w = w + a * s[3].view(-1, 1, 1, 1)
        w1 = (self.w_kxk1 * s[4].view(-1, 1, 1, 1)).view(c, c)
        w2 = torch.einsum("otyx,ti->oiyx", self.w_kxk2, w1)
        w = w + w2 * s[5].view(-1, 1, 1, 1)
        return w

    def forward(self, x):
        return F.relu(self.bn(F.conv2d(x, self.kernel(), padding=self.k // 2)))


class Plain(nn.Module):
    def __init__(self, c, k=3):
        super().__init__()
        self.conv = nn.Conv2d(c, c, k, padding=k // 2, bias=False)
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


def net(mode, c, depth):
    block = {"offline": DbbOffline, "online": DbbOnline, "plain": Plain}[mode]
    return nn.Sequential(
        nn.Conv2d(3, c, 3, padding=1, bias=False),
        nn.BatchNorm2d(c),
        nn.ReLU(),
        *[block(c) for _ in range(depth)],
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(c, 10),
    )


def measure(mode, c, depth, batch, warmup, steps, threads):
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    model = net(mode, c, depth)
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-4)
    x = torch.randn(batch, 3, 32, 32)
    y = torch.randint(0, 10, (batch,))
    times = []
    for i in range(warmup + steps):
        t0 = time.perf_counter()
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        if i >= warmup:
            times.append((time.perf_counter() - t0) * 1e3)
    times.sort()
    n = len(times)
    median = times[n // 2] if n % 2 else (times[n // 2 - 1] + times[n // 2]) / 2
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"mode": mode, "median_ms": median, "min_ms": times[0], "peak_rss": rss}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--channels", type=int, default=32)
    ap.add_argument("--depth", type=int, default=1)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--modes", default="offline,online,plain")
    ap.add_argument("--json", action="store_true",
                    help="print the results as one JSON list on the last line")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        r = measure(a.child, a.channels, a.depth, a.batch, a.warmup, a.steps, a.threads)
        print(json.dumps(r))
        return
    print(
        f"torch {torch.__version__} CPU, {a.threads} threads: DBB C={a.channels}, 32x32, "
        f"batch {a.batch}, depth {a.depth}; {a.warmup} warm-up + {a.steps} timed steps"
    )
    results = []
    for mode in a.modes.split(","):
        out = subprocess.run(
            [sys.executable, __file__, "--child", mode, "--threads", str(a.threads),
             "--channels", str(a.channels), "--depth", str(a.depth), "--batch", str(a.batch),
             "--warmup", str(a.warmup), "--steps", str(a.steps)],
            capture_output=True, text=True, check=True)
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    if a.json:
        print(json.dumps(results))
        return
    print(f"{'mode':10} {'ms/step':>9} {'min':>8} {'peak RSS':>10}")
    for r in results:
        print(f"{r['mode']:10} {r['median_ms']:9.1f} {r['min_ms']:8.1f} {r['peak_rss'] / 2**20:6.0f} MiB")
    by = {r["mode"]: r for r in results}
    if "offline" in by and "online" in by:
        print(f"online vs offline: {by['offline']['median_ms'] / by['online']['median_ms']:.2f}x faster per step")


if __name__ == "__main__":
    main()
