"""Reference parameter and multiply-add counts for the presets, computed by PyTorch itself.

Run with Debian's interpreter (python3-torch 1.13, python3-torchvision 0.14):
    /usr/bin/python3 samples/src/test/python/preset_reference.py > samples/src/test/resources/org/convas/samples/preset_reference.txt

PresetNumbersTest asserts the same figures. Parameters are all learnable tensors (BatchNorm's gamma and beta
included, running statistics excluded); multiply-adds count Conv2d and Linear only: output elements times
(input channels / groups) times kernel area, the calculator's definition. The networks that torchvision
lacks (grouped AlexNet, ZFNet, GoogLeNet as in Table 1, MobileNet v1, the small nets) are written here
from their papers, independently of the Java presets; shapes come from PyTorch's own layers.
"""
import torch
import torch.nn as nn
import torchvision.models as tvm


def count(model, size):
    macs = []

    def hook(module, inputs, output):
        if isinstance(module, nn.Conv2d):
            k = module.kernel_size[0] * module.kernel_size[1]
            macs.append(output.numel() * (module.in_channels // module.groups) * k)
        elif isinstance(module, nn.Linear):
            macs.append(module.in_features * module.out_features)

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    model.eval()
    with torch.no_grad():
        out = model(torch.zeros(1, *size))
    for h in handles:
        h.remove()
    params = sum(p.numel() for p in model.parameters())
    return params, sum(macs), tuple(out.shape)


def conv_relu(i, o, k, s=1, p=0, g=1):
    return [nn.Conv2d(i, o, k, s, p, groups=g), nn.ReLU()]


def alexnet(groups):
    g = 2 if groups else 1
    return nn.Sequential(
        *conv_relu(3, 96, 11, 4), nn.MaxPool2d(3, 2), nn.LocalResponseNorm(5, 1e-4, 0.75, 2.0),
        *conv_relu(96, 256, 5, 1, 2, g), nn.MaxPool2d(3, 2), nn.LocalResponseNorm(5, 1e-4, 0.75, 2.0),
        *conv_relu(256, 384, 3, 1, 1), *conv_relu(384, 384, 3, 1, 1, g), *conv_relu(384, 256, 3, 1, 1, g),
        nn.MaxPool2d(3, 2), nn.Flatten(),
        nn.Linear(9216, 4096), nn.ReLU(), nn.Dropout(), nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(),
        nn.Linear(4096, 1000))


def zfnet():
    return nn.Sequential(
        *conv_relu(3, 96, 7, 2), nn.MaxPool2d(3, 2, ceil_mode=True), nn.LocalResponseNorm(5, 1e-4, 0.75, 2.0),
        *conv_relu(96, 256, 5, 2), nn.MaxPool2d(3, 2, ceil_mode=True), nn.LocalResponseNorm(5, 1e-4, 0.75, 2.0),
        *conv_relu(256, 384, 3, 1, 1), *conv_relu(384, 384, 3, 1, 1), *conv_relu(384, 256, 3, 1, 1),
        nn.MaxPool2d(3, 2), nn.Flatten(),
        nn.Linear(9216, 4096), nn.ReLU(), nn.Linear(4096, 4096), nn.ReLU(), nn.Linear(4096, 1000))


class Inception(nn.Module):
    def __init__(self, i, n1, r3, n3, r5, n5, pp):
        super().__init__()
        self.b1 = nn.Sequential(*conv_relu(i, n1, 1))
        self.b2 = nn.Sequential(*conv_relu(i, r3, 1), *conv_relu(r3, n3, 3, 1, 1))
        self.b3 = nn.Sequential(*conv_relu(i, r5, 1), *conv_relu(r5, n5, 5, 1, 2))
        self.b4 = nn.Sequential(nn.MaxPool2d(3, 1, 1), *conv_relu(i, pp, 1))

    def forward(self, x):
        return torch.cat([self.b1(x), self.b2(x), self.b3(x), self.b4(x)], 1)


GOOGLENET_TABLE = [("3a", 64, 96, 128, 16, 32, 32), ("3b", 128, 128, 192, 32, 96, 64), ("4a", 192, 96, 208, 16, 48, 64),
                   ("4b", 160, 112, 224, 24, 64, 64), ("4c", 128, 128, 256, 24, 64, 64), ("4d", 112, 144, 288, 32, 64, 64),
                   ("4e", 256, 160, 320, 32, 128, 128), ("5a", 256, 160, 320, 32, 128, 128), ("5b", 384, 192, 384, 48, 128, 128)]


def googlenet():
    layers = [*conv_relu(3, 64, 7, 2, 3), nn.MaxPool2d(3, 2, ceil_mode=True), nn.LocalResponseNorm(5, 1e-4, 0.75, 2.0),
              *conv_relu(64, 64, 1), *conv_relu(64, 192, 3, 1, 1), nn.LocalResponseNorm(5, 1e-4, 0.75, 2.0),
              nn.MaxPool2d(3, 2, ceil_mode=True)]
    depth = 192
    for name, n1, r3, n3, r5, n5, pp in GOOGLENET_TABLE:
        if name in ("4a", "5a"):
            layers.append(nn.MaxPool2d(3, 2, ceil_mode=True))
        layers.append(Inception(depth, n1, r3, n3, r5, n5, pp))
        depth = n1 + n3 + n5 + pp
    layers += [nn.AvgPool2d(7, 1), nn.Dropout(0.4), nn.Flatten(), nn.Linear(1024, 1000)]
    return nn.Sequential(*layers)


def mobilenet():
    def bn_conv(i, o, k, s, g):
        return [nn.Conv2d(i, o, k, s, k // 2, groups=g, bias=False), nn.BatchNorm2d(o), nn.ReLU()]

    layers = bn_conv(3, 32, 3, 2, 1)
    depth = 32
    for o, s in [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2)] + [(512, 1)] * 5 + [(1024, 2), (1024, 1)]:
        layers += bn_conv(depth, depth, 3, s, depth) + bn_conv(depth, o, 1, 1, 1)
        depth = o
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(1024, 1000)]
    return nn.Sequential(*layers)


def resnet50_v1():
    """torchvision's ResNet-50 with the stride moved back from the 3x3 to the first 1x1, as in the paper."""
    m = tvm.resnet50()
    for layer in (m.layer2, m.layer3, m.layer4):
        layer[0].conv1.stride = (2, 2)
        layer[0].conv2.stride = (1, 1)
    return m


class SqueezeExcitation(nn.Module):
    """Hu et al. 2018: global average pool, FC C/r, ReLU, FC C, sigmoid, then the maps times those weights."""
    def __init__(self, c, r=16):
        super().__init__()
        self.fc1 = nn.Linear(c, c // r)
        self.fc2 = nn.Linear(c // r, c)

    def forward(self, x):
        s = torch.sigmoid(self.fc2(torch.relu(self.fc1(x.mean(dim=(2, 3))))))
        return x * s[:, :, None, None]


def se_resnet50():
    """resnet50_v1 with an SE module on each bottleneck's residual, after bn3 and before the addition."""
    m = resnet50_v1()
    for layer in (m.layer1, m.layer2, m.layer3, m.layer4):
        for block in layer:
            block.bn3 = nn.Sequential(block.bn3, SqueezeExcitation(block.bn3.num_features))
    return m


def se_resnet_cifar():
    """conv3x3 16 + BN + ReLU, three torchvision BasicBlocks (16, 32 and 64 filters, stride 1, 2, 2, 1x1 projection with
    BN where the shape changes) each with an SE module of reduction 4 after its second BN, global average pool, FC 10."""
    from torchvision.models.resnet import BasicBlock

    def block(i, o, s):
        down = None if s == 1 and i == o else nn.Sequential(nn.Conv2d(i, o, 1, s, bias=False), nn.BatchNorm2d(o))
        b = BasicBlock(i, o, s, down)
        b.bn2 = nn.Sequential(b.bn2, SqueezeExcitation(o, 4))
        return b

    return nn.Sequential(nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU(),
                         block(16, 16, 1), block(16, 32, 2), block(32, 64, 2),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10))


def lenet5():
    return nn.Sequential(*conv_relu(1, 6, 5), nn.MaxPool2d(2), *conv_relu(6, 16, 5), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def lenet_fmnist():
    return nn.Sequential(*conv_relu(1, 6, 5, 1, 2), nn.MaxPool2d(2), *conv_relu(6, 16, 5), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def vgglite():
    return nn.Sequential(*conv_relu(1, 32, 3, 1, 1), *conv_relu(32, 32, 3, 1, 1), nn.MaxPool2d(2),
                         *conv_relu(32, 64, 3, 1, 1), *conv_relu(64, 64, 3, 1, 1), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10))


def fmnist_tiny():
    return nn.Sequential(*conv_relu(1, 8, 3, 1, 1), nn.MaxPool2d(2), *conv_relu(8, 16, 3, 1, 1), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(784, 10))


def cifar_small():
    return nn.Sequential(*conv_relu(3, 16, 3, 1, 1), nn.MaxPool2d(2), *conv_relu(16, 32, 3, 1, 1), nn.MaxPool2d(2),
                         *conv_relu(32, 64, 3, 1, 1), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(1024, 64), nn.ReLU(), nn.Linear(64, 10))


NETS = [
    ("lenet5", lenet5, (1, 32, 32)),
    ("alexnet", lambda: alexnet(True), (3, 227, 227)),
    ("alexnet-single-tower", lambda: alexnet(False), (3, 227, 227)),
    ("zfnet", zfnet, (3, 225, 225)),
    ("vgg11", tvm.vgg11, (3, 224, 224)),
    ("vgg16", tvm.vgg16, (3, 224, 224)),
    ("vgg19", tvm.vgg19, (3, 224, 224)),
    ("googlenet", googlenet, (3, 224, 224)),
    ("resnet18", tvm.resnet18, (3, 224, 224)),
    ("resnet34", tvm.resnet34, (3, 224, 224)),
    ("resnet50", resnet50_v1, (3, 224, 224)),
    ("resnet50-torchvision-v1.5", tvm.resnet50, (3, 224, 224)),
    ("se-resnet50", se_resnet50, (3, 224, 224)),
    ("mobilenet", mobilenet, (3, 224, 224)),
    ("fmnist-tiny", fmnist_tiny, (1, 28, 28)),
    ("lenet-fmnist", lenet_fmnist, (1, 28, 28)),
    ("vgglite", vgglite, (1, 28, 28)),
    ("cifar-small", cifar_small, (3, 32, 32)),
    ("se-resnet-cifar", se_resnet_cifar, (3, 32, 32)),
]

if __name__ == "__main__":
    import torchvision
    print("# torch %s, torchvision %s; columns: name, parameters, multiply-adds, output shape" % (torch.__version__, torchvision.__version__))
    for name, make, size in NETS:
        params, macs, out = count(make(), size)
        print(name, params, macs, "x".join(map(str, out)))
