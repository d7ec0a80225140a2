#!/usr/bin/python3
"""Writes the PyTorch files TorchArchiveTest reads (Java, no Python at test time).

Run from the repository root with Debian's interpreter (torch 1.13):
    /usr/bin/python3 engine/src/test/python/make_torch_fixture.py

engine/src/test/resources/exchange/state_dict.pt: torch.save of an OrderedDict state_dict of
nn.Sequential(Conv2d(2, 3, 2), BatchNorm2d(3)) whose values are 0.5·k (k = 0, 1, 2, … over the tensors in order),
plus 'extra.t' a 2×3 float tensor stored transposed (a non-contiguous view: strides (1, 2)), 'extra.half' float16
[1.5, -2.25, 65504] and 'extra.double' float64 [0.1, 1e-300]. num_batches_tracked is 7.
engine/src/test/resources/exchange/checkpoint.pt: {'model': that state_dict, 'epoch': 3, 'optimizer': {...}}, as
train.py's last.pt.
"""
import os
from collections import OrderedDict

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'resources', 'exchange')
net = torch.nn.Sequential(torch.nn.Conv2d(2, 3, 2), torch.nn.BatchNorm2d(3))
sd = net.state_dict()
k = 0
for name, t in sd.items():
    if name.endswith('num_batches_tracked'):
        t.fill_(7)
        continue
    n = t.numel()
    t.copy_((torch.arange(n, dtype=torch.float32) + k).mul(0.5).view_as(t))
    k += n
sd['extra.t'] = torch.arange(6, dtype=torch.float32).view(3, 2).t()
sd['extra.half'] = torch.tensor([1.5, -2.25, 65504], dtype=torch.float16)
sd['extra.double'] = torch.tensor([0.1, 1e-300], dtype=torch.float64)
torch.save(sd, os.path.join(OUT, 'state_dict.pt'))
opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
torch.save({'model': net.state_dict(), 'epoch': 3, 'optimizer': opt.state_dict()}, os.path.join(OUT, 'checkpoint.pt'))
print(list(sd.keys()))
