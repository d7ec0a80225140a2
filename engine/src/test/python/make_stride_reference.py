#!/usr/bin/python3
"""Writes the PyTorch reference the Java PerAxisStrideParityTest compares per-axis strides against.

Run from the repository root with Debian's interpreter (torch 1.13):
    /usr/bin/python3 engine/src/test/python/make_stride_reference.py

Writes engine/src/test/resources/reference/strides.bin (format: see make_reference.py). The network, node ids as in
the Java test, input 2 channels, H 9, W 8: conv1 3x3 stride (2, 1) padding 1 (4 filters), relu1, pool1 max 2x2 stride
(1, 2), conv2 2x2 stride (1, 2) padding (0, 1) (3 filters), pool2 average 3x3 stride (2, 1) padding 1
(padded zeros counted), flatten, fc 3. Training mode, batch 3. Tensors: the state_dict, "input", "labels", "logits",
"loss", "grad.<param>" and "grad.input", and "shape.<node>" (C, H, W of each output, as floats).
"""
import os
import sys
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_reference import write  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "reference", "strides.bin")


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(2, 4, 3, stride=(2, 1), padding=1)
        self.conv2 = nn.Conv2d(4, 3, 2, stride=(1, 2), padding=(0, 1))
        self.fc = None

    def forward(self, x, shapes):
        a = self.conv1(x)
        shapes["conv1"] = a
        b = F.max_pool2d(torch.relu(a), 2, stride=(1, 2))
        shapes["pool1"] = b
        c = self.conv2(b)
        shapes["conv2"] = c
        d = F.avg_pool2d(c, 3, stride=(2, 1), padding=1, count_include_pad=True)
        shapes["pool2"] = d
        return self.fc(torch.flatten(d, 1))


def main():
    torch.manual_seed(21)
    net = Net()
    x = torch.randn(3, 2, 9, 8, requires_grad=True)
    shapes = {}
    with torch.no_grad():
        out = F.avg_pool2d(net.conv2(F.max_pool2d(torch.relu(net.conv1(x)), 2, stride=(1, 2))), 3, stride=(2, 1), padding=1)
    net.fc = nn.Linear(out[0].numel(), 3)
    y = torch.tensor([2, 0, 1])
    tensors = {k: v.clone() for k, v in net.state_dict().items()}
    logits = net(x, shapes)
    loss = F.cross_entropy(logits, y)
    loss.backward()
    tensors["input"] = x.detach().clone()
    tensors["labels"] = y.float()
    tensors["logits"] = logits.detach()
    tensors["loss"] = loss.detach().reshape(1)
    for k, p in net.named_parameters():
        tensors["grad." + k] = p.grad.clone()
    tensors["grad.input"] = x.grad.clone()
    for k, v in shapes.items():
        tensors["shape." + k] = torch.tensor([float(s) for s in v.shape[1:]])
        print(k, tuple(v.shape[1:]))
    write(OUT, tensors)
    print("wrote", os.path.normpath(OUT), len(tensors), "tensors")


if __name__ == "__main__":
    main()
