#!/usr/bin/python3
"""Writes the PyTorch reference files the Java parity tests compare against.

Run from the repository root with Debian's interpreter (torch 1.13):
    /usr/bin/python3 engine/src/test/python/make_reference.py

For each network it writes engine/src/test/resources/reference/<net>.bin in Convas's tensor file format
(org.convas.engine.train.TensorFile: big-endian, magic "CNVT", version 1, count, then per tensor a
Java-writeUTF name, an int length and the floats, last a CRC-32 of everything before it as a long).

Tensors (names use the Java test's node ids; layouts are PyTorch's, which Convas shares:
conv weight K x (C/groups) x Fh x Fw, linear weight out x in, flatten order C, H, W):
  input              N x C x H x W images
  labels             N class indices (stored as floats)
  <node>.weight ...  initial parameters and BatchNorm running statistics
  logits             forward output (training mode) for the input
  loss               mean cross-entropy of that forward pass
  grad.<node>.<p>    gradient of the mean loss with respect to every parameter
  trajectory         10 losses of full-batch SGD (lr 0.01, momentum 0.9, weight decay 5e-4 on weights only)
  after.<node>.running_mean / running_var   BatchNorm running statistics after those 10 steps
  after.logits       evaluation-mode logits after those 10 steps
and optimizers.bin with 6 steps of each optimizer on a fixed quadratic (see optimizers()).
"""
import os, struct, zlib
import torch, torch.nn as nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "reference")


def write(path, tensors):
    body = bytearray()
    body += struct.pack(">ii", 0x434E5654, 1)
    body += struct.pack(">i", len(tensors))
    for name, t in tensors.items():
        raw = name.encode("ascii")
        body += struct.pack(">H", len(raw)) + raw
        flat = t.detach().reshape(-1).to(torch.float32).tolist()
        body += struct.pack(">i", len(flat))
        body += struct.pack(">%df" % len(flat), *flat)
    body += struct.pack(">q", zlib.crc32(bytes(body)))
    with open(path, "wb") as f:
        f.write(bytes(body))


class LeNet(nn.Module):
    """The peer benchmark's lenet; attribute names are the Java node ids."""
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(400, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = torch.max_pool2d(torch.relu(self.conv1(x)), 2, 2)
        x = torch.max_pool2d(torch.relu(self.conv2(x)), 2, 2)
        x = torch.flatten(x, 1)
        return self.fc3(torch.relu(self.fc2(torch.relu(self.fc1(x)))))


class SmallResNet(nn.Module):
    """conv-BN-ReLU, one residual block, a strided conv-BN-ReLU, average pool 2/2, global average pool, FC 5."""
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 8, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(8)
        self.conv3 = nn.Conv2d(8, 8, 3, padding=1, bias=False)
        self.bn3 = nn.BatchNorm2d(8)
        self.conv4 = nn.Conv2d(8, 16, 3, stride=2, padding=1)
        self.bn4 = nn.BatchNorm2d(16)
        self.fc = nn.Linear(16, 5)

    def forward(self, x):
        a = torch.relu(self.bn1(self.conv1(x)))
        b = torch.relu(self.bn2(self.conv2(a)))
        c = self.bn3(self.conv3(b))
        d = torch.relu(c + a)
        e = torch.relu(self.bn4(self.conv4(d)))
        f = nn.functional.avg_pool2d(e, 2, 2)
        g = f.mean(dim=(2, 3))
        return self.fc(g)


def reference(name, model, x, y):
    tensors = {"input": x, "labels": y.float()}
    for k, v in model.state_dict().items():
        if not k.endswith("num_batches_tracked"):
            tensors[k] = v.clone()
    model.train()
    lossf = nn.CrossEntropyLoss()
    logits = model(x)
    loss = lossf(logits, y)
    loss.backward()
    tensors["logits"] = logits
    tensors["loss"] = loss.reshape(1)
    for k, p in model.named_parameters():
        tensors["grad." + k] = p.grad.clone()
    model.zero_grad()
    # The first forward pass above already updated BatchNorm's running statistics; start the trajectory
    # from the initial ones, as the Java test does.
    model.load_state_dict({k: v for k, v in tensors.items() if k in model.state_dict()}, strict=False)
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.num_batches_tracked.zero_()
    decay = [p for k, p in model.named_parameters() if k.endswith("weight") and not k.startswith("bn")]
    rest = [p for k, p in model.named_parameters() if not (k.endswith("weight") and not k.startswith("bn"))]
    opt = torch.optim.SGD([{"params": decay, "weight_decay": 5e-4}, {"params": rest, "weight_decay": 0.0}],
                          lr=0.01, momentum=0.9)
    trajectory = []
    for _ in range(10):
        opt.zero_grad()
        loss = lossf(model(x), y)
        loss.backward()
        opt.step()
        trajectory.append(loss.item())
    tensors["trajectory"] = torch.tensor(trajectory)
    for k, v in model.state_dict().items():
        if "running" in k:
            tensors["after." + k] = v.clone()
    model.eval()
    with torch.no_grad():
        tensors["after.logits"] = model(x)
    write(os.path.join(OUT, name + ".bin"), tensors)
    print(name, "loss", round(tensors["loss"].item(), 5), "trajectory", [round(t, 4) for t in trajectory])


def optimizers():
    """optimizers.bin: 6 steps of each optimizer on L = sum(c * (w - t)^2 / 2) from w0; per optimizer the weights
    after every step ("<name>.steps", 6 x 4 values). Weight decay 0.1 applies (the tensor counts as a weight)."""
    w0 = torch.tensor([0.5, -1.5, 2.0, 0.1])
    t = torch.tensor([1.0, 0.5, -1.0, 0.0])
    c = torch.tensor([1.0, 3.0, 0.5, 10.0])
    cases = {
        "sgd": lambda p: torch.optim.SGD([p], lr=0.05, weight_decay=0.1),
        "momentum": lambda p: torch.optim.SGD([p], lr=0.05, momentum=0.9, weight_decay=0.1),
        "nesterov": lambda p: torch.optim.SGD([p], lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.1),
        "adam": lambda p: torch.optim.Adam([p], lr=0.05, weight_decay=0.1),
        "rmsprop": lambda p: torch.optim.RMSprop([p], lr=0.05, weight_decay=0.1),
        "rmsprop_momentum": lambda p: torch.optim.RMSprop([p], lr=0.05, momentum=0.5, weight_decay=0.1),
        "adagrad": lambda p: torch.optim.Adagrad([p], lr=0.05, weight_decay=0.1),
    }
    tensors = {"w0": w0, "target": t, "curvature": c}
    for name, make in cases.items():
        p = w0.clone().requires_grad_(True)
        opt = make(p)
        steps = []
        for _ in range(6):
            opt.zero_grad()
            (c * (p - t) ** 2 / 2).sum().backward()
            opt.step()
            steps.append(p.detach().clone())
        tensors[name + ".steps"] = torch.stack(steps)
    write(os.path.join(OUT, "optimizers.bin"), tensors)
    print("optimizers", {k: [round(v, 4) for v in tensors[k + ".steps"][-1].tolist()] for k in cases})


def main():
    torch.set_num_threads(1)
    torch.manual_seed(2024)
    os.makedirs(OUT, exist_ok=True)
    x = torch.randn(8, 1, 28, 28)
    y = torch.randint(0, 10, (8,))
    reference("lenet5", LeNet(), x, y)
    x = torch.randn(8, 3, 8, 8)
    y = torch.randint(0, 5, (8,))
    reference("resnet_bn", SmallResNet(), x, y)
    optimizers()


if __name__ == "__main__":
    main()
