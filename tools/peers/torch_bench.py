#!/usr/bin/python3
"""Peer anchor: PyTorch (Debian python3-torch) CPU training throughput on Fashion-MNIST.

Convas's copy of ../shared/peers/torch_bench.py: "lenet" and "vgglite" and the training loop are that script's,
unchanged (it stays the reference for those two); this copy adds the networks `convas bench` also measures, each
defined exactly as Convas's (samples/.../SmallNetworks.java):
  resnet     a small residual net: BatchNorm, identity and 1x1/2 projection shortcuts (Add), 3x3/2 convs, global
             average pooling (28x28x1)
  mobilenet  MobileNet-style depthwise separable blocks, 3x3 depthwise (groups = depth) and 1x1 pointwise, with
             BatchNorm and ReLU, 3x3/2 depthwise convs, global average pooling (28x28x1)
  cifarsmall the "cifar-small" preset on CIFAR-shaped 32x32x3 images: Fashion-MNIST standardised, zero-padded by 2
             pixels on each side and repeated over 3 channels (no CIFAR-10 files on these machines)

Usage: torch_bench.py [--net lenet|vgglite|resnet|mobilenet|cifarsmall] [--epochs N] [--batch B] [--threads T]
                      [--limit N] [--profile]
Prints one JSON line per epoch: images/s for the training pass (and the process's CPU time per image, all
threads; OpenMP threads that spin while they wait count too), test accuracy. --profile prints PyTorch's
per-operator CPU times of the last epoch's first 50 batches to stderr.
"""
import argparse, gzip, json, struct, sys, time, numpy as np, torch, torch.nn as nn

ROOT = "/usr/share/datasets/fashion-mnist/"

def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)

class Residual(nn.Module):
    """A basic block: 3x3 conv (stride s), BN, ReLU, 3x3 conv, BN, + shortcut (identity, or 1x1/s conv and BN when
    the shape changes), ReLU. Convolutions followed by BN carry no bias."""
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.branch = nn.Sequential(
            nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(),
            nn.Conv2d(cout, cout, 3, 1, 1, bias=False), nn.BatchNorm2d(cout))
        self.shortcut = nn.Identity() if stride == 1 and cin == cout else nn.Sequential(
            nn.Conv2d(cin, cout, 1, stride, 0, bias=False), nn.BatchNorm2d(cout))
        self.relu = nn.ReLU()
    def forward(self, x):
        return self.relu(self.shortcut(x) + self.branch(x))

def separable(cin, cout, stride):
    """3x3 depthwise (stride s), BN, ReLU, 1x1 pointwise, BN, ReLU; no biases."""
    return [nn.Conv2d(cin, cin, 3, stride, 1, groups=cin, bias=False), nn.BatchNorm2d(cin), nn.ReLU(),
            nn.Conv2d(cin, cout, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU()]

def nets(name):
    if name == "lenet":
        return nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2, 2),
            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2, 2),
            nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    if name == "vgglite":
        return nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2),
            nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))
    if name == "resnet":
        return nn.Sequential(
            nn.Conv2d(1, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU(),
            Residual(16, 16, 1), Residual(16, 32, 2), Residual(32, 64, 2),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10))
    if name == "mobilenet":
        return nn.Sequential(
            nn.Conv2d(1, 32, 3, 1, 1, bias=False), nn.BatchNorm2d(32), nn.ReLU(),
            *separable(32, 64, 1), *separable(64, 128, 2), *separable(128, 128, 1), *separable(128, 256, 2),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(256, 10))
    if name == "cifarsmall":
        return nn.Sequential(
            nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2),
            nn.Flatten(), nn.Linear(64 * 4 * 4, 64), nn.ReLU(), nn.Linear(64, 10))
    raise SystemExit("unknown net " + name)

def cifar_shaped(x):
    """N x 1 x 28 x 28 standardised images -> N x 3 x 32 x 32: zero padding of 2, the one channel three times."""
    return torch.nn.functional.pad(x, (2, 2, 2, 2)).repeat(1, 3, 1, 1).contiguous()

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--net", default="lenet"); ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--batch", type=int, default=64); ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--limit", type=int, default=60000); ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--profile", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(a.threads); torch.manual_seed(0)
    xtr = torch.tensor(idx(ROOT + "train-images-idx3-ubyte.gz")[:a.limit], dtype=torch.float32).unsqueeze(1) / 255.
    ytr = torch.tensor(idx(ROOT + "train-labels-idx1-ubyte.gz")[:a.limit], dtype=torch.long)
    xte = torch.tensor(idx(ROOT + "t10k-images-idx3-ubyte.gz"), dtype=torch.float32).unsqueeze(1) / 255.
    yte = torch.tensor(idx(ROOT + "t10k-labels-idx1-ubyte.gz"), dtype=torch.long)
    mean, std = xtr.mean(), xtr.std(); xtr = (xtr - mean) / std; xte = (xte - mean) / std
    if a.net == "cifarsmall":
        xtr, xte = cifar_shaped(xtr), cifar_shaped(xte)
    model = nets(a.net)
    opt = torch.optim.SGD(model.parameters(), lr=a.lr, momentum=0.9, weight_decay=5e-4)
    lossf = nn.CrossEntropyLoss()
    n = xtr.shape[0]
    for ep in range(a.epochs):
        perm = torch.randperm(n); model.train(); t0 = time.perf_counter(); c0 = time.process_time(); tot = 0.0
        for i in range(0, n - a.batch + 1, a.batch):
            idxs = perm[i:i + a.batch]
            opt.zero_grad(); loss = lossf(model(xtr[idxs]), ytr[idxs]); loss.backward(); opt.step(); tot += loss.item()
        dt = time.perf_counter() - t0; dc = time.process_time() - c0
        model.eval()
        with torch.no_grad():
            t1 = time.perf_counter(); pred = torch.cat([model(xte[j:j + 1000]).argmax(1) for j in range(0, xte.shape[0], 1000)])
            dti = time.perf_counter() - t1
        acc = (pred == yte).float().mean().item()
        print(json.dumps({"peer": "pytorch-" + torch.__version__, "net": a.net, "epoch": ep + 1, "batch": a.batch,
                          "threads": a.threads, "train_images_per_s": round((n // a.batch) * a.batch / dt, 1),
                          "train_cpu_ms_per_image": round(dc * 1e3 / ((n // a.batch) * a.batch), 3),
                          "infer_images_per_s": round(xte.shape[0] / dti, 1),
                          "mean_loss": round(tot / (n // a.batch), 4), "test_acc": round(acc, 4)}), flush=True)
    if a.profile:
        model.train()
        with torch.autograd.profiler.profile() as prof:
            for i in range(0, min(n, 50 * a.batch) - a.batch + 1, a.batch):
                idxs = perm[i:i + a.batch]
                opt.zero_grad(); loss = lossf(model(xtr[idxs]), ytr[idxs]); loss.backward(); opt.step()
        print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=25), file=sys.stderr)

if __name__ == "__main__":
    main()
