#!/usr/bin/python3
"""Writes the PyTorch reference values the Java ExplainerTest compares Grad-CAM and saliency against.

Run from the repository root with Debian's interpreter (torch 1.13):
    /usr/bin/python3 engine/src/test/python/make_inspect_reference.py

Writes engine/src/test/resources/reference/inspect.bin in Convas's tensor file format (see make_reference.py).
The network (node ids as in ExplainerTest.network()): input 12x12x2, conv1 3x3/1 pad 1 (4 filters), bn1, relu1,
pool1 max 2x2/2, conv2 3x3/1 pad 1 (6 filters), relu2, flatten, fc 5, softmax. Evaluation mode: BatchNorm uses
its running statistics, which are set to values away from 0 and 1 so that they matter.

Tensors: the state_dict (Java tensor names), "input" (1x2x12x12), "logits", and for class c in 0 and 3:
  saliency.<c>.gradient      d logit_c / d input (1x2x12x12)
  gradcam.<layer>.<c>.alpha  the channel weights: mean over H, W of d logit_c / d A
  gradcam.<layer>.<c>.coarse ReLU(sum_k alpha_k A_k) at the layer's resolution
  gradcam.<layer>.<c>.map    that map resized to 12x12 with F.interpolate(bilinear, align_corners=False)
for layer in conv1, relu1, conv2.
"""
import os
import sys
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_reference import write  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "reference", "inspect.bin")


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(2, 4, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(4)
        self.conv2 = nn.Conv2d(4, 6, 3, padding=1)
        self.fc = nn.Linear(6 * 6 * 6, 5)

    def forward(self, x, keep):
        a = self.conv1(x)
        keep["conv1"] = a
        b = torch.relu(self.bn1(a))
        keep["relu1"] = b
        c = F.max_pool2d(b, 2, 2)
        d = self.conv2(c)
        keep["conv2"] = d
        e = torch.relu(d)
        return self.fc(torch.flatten(e, 1))


def main():
    torch.manual_seed(11)  # a seed whose maps are positive over much of each layer (a mostly-zero map tests little)
    net = Net()
    with torch.no_grad():
        # PyTorch's default initialisation gives tiny class-score gradients; larger weights give maps with structure.
        net.conv1.weight.mul_(3)
        net.conv2.weight.mul_(3)
        net.fc.weight.mul_(5)
        net.bn1.running_mean.copy_(torch.tensor([0.1, -0.2, 0.05, 0.3]))
        net.bn1.running_var.copy_(torch.tensor([0.5, 1.5, 0.8, 2.0]))
        net.bn1.weight.copy_(torch.tensor([1.2, 0.7, -0.9, 1.1]))
        net.bn1.bias.copy_(torch.tensor([0.1, 0.2, -0.1, 0.05]))
    net.eval()
    x = torch.randn(1, 2, 12, 12)
    tensors = {k: v.clone() for k, v in net.state_dict().items() if not k.endswith("num_batches_tracked")}
    tensors["input"] = x.clone()
    with torch.no_grad():
        tensors["logits"] = net(x, {})
    for c in (0, 3):
        xi = x.clone().requires_grad_(True)
        keep = {}
        logits = net(xi, keep)
        for a in keep.values():
            a.retain_grad()
        logits[0, c].backward()
        tensors["saliency.%d.gradient" % c] = xi.grad.clone()
        for layer in ("conv1", "relu1", "conv2"):
            a, g = keep[layer].detach(), keep[layer].grad
            alpha = g.mean(dim=(2, 3))
            cam = torch.relu((alpha[:, :, None, None] * a).sum(dim=1))
            up = F.interpolate(cam[:, None], size=(12, 12), mode="bilinear", align_corners=False)
            tensors["gradcam.%s.%d.alpha" % (layer, c)] = alpha
            tensors["gradcam.%s.%d.coarse" % (layer, c)] = cam
            tensors["gradcam.%s.%d.map" % (layer, c)] = up
    write(OUT, tensors)
    print("wrote", os.path.normpath(OUT), len(tensors), "tensors")


if __name__ == "__main__":
    main()
