#!/usr/bin/python3
"""Writes the PyTorch reference the Java SqueezeExcitationParityTest compares a Squeeze-and-Excitation block against.

Run from the repository root with Debian's interpreter (torch 1.13):
    /usr/bin/python3 engine/src/test/python/make_se_reference.py

Writes engine/src/test/resources/reference/se_block.bin (format: see make_reference.py). The network, node ids as
in the Java test: input 8x8x3, conv1 3x3 pad 1 (8, no bias), bn1, relu1, conv2 3x3 pad 1 (8, no bias), bn2, then the
SE branch on bn2 (se_pool global average, se_fc1 8 -> 2, se_relu, se_fc2 2 -> 8, se_sigmoid) and se_scale = bn2 times
the sigmoid's weights per channel, add = se_scale + relu1, relu, gap, fc 8 -> 5. Training mode, batch 4.
Tensors: the state_dict, "input", "labels", "logits", "loss" (mean cross-entropy), "grad.<param>" for every
parameter, and "grad.input" (d loss / d input).
"""
import os
import sys
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_reference import write  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "reference", "se_block.bin")


class SeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 8, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(8)
        self.se_fc1 = nn.Linear(8, 2)
        self.se_fc2 = nn.Linear(2, 8)
        self.fc = nn.Linear(8, 5)

    def forward(self, x):
        a = torch.relu(self.bn1(self.conv1(x)))
        b = self.bn2(self.conv2(a))
        s = torch.sigmoid(self.se_fc2(torch.relu(self.se_fc1(b.mean(dim=(2, 3))))))
        c = torch.relu(b * s[:, :, None, None] + a)
        return self.fc(c.mean(dim=(2, 3)))


def main():
    torch.manual_seed(2018)
    net = SeNet()
    with torch.no_grad():
        for bn in (net.bn1, net.bn2):
            bn.weight.copy_(torch.rand(8) + 0.5)
            bn.bias.copy_(torch.rand(8) - 0.5)
        net.se_fc2.weight.mul_(4)   # weights spread over (0, 1), not all near 0.5, so the scale matters
    net.train()
    x = torch.randn(4, 3, 8, 8, requires_grad=True)
    y = torch.tensor([0, 3, 1, 4])
    tensors = {k: v.clone() for k, v in net.state_dict().items() if not k.endswith("num_batches_tracked")}
    # The running statistics before the forward pass (the Java test loads them; training mode does not read them).
    logits = net(x)
    loss = nn.functional.cross_entropy(logits, y)
    loss.backward()
    tensors["input"] = x.detach().clone()
    tensors["labels"] = y.float()
    tensors["logits"] = logits.detach()
    tensors["loss"] = loss.detach().reshape(1)
    for k, p in net.named_parameters():
        tensors["grad." + k] = p.grad.clone()
    tensors["grad.input"] = x.grad.clone()
    write(OUT, tensors)
    print("wrote", os.path.normpath(OUT), len(tensors), "tensors")


if __name__ == "__main__":
    main()
