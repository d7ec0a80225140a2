#!/usr/bin/env python3
"""Trains the network of model.py with the data settings it had in Convas.

Runs unchanged on one CPU, one GPU, or many processes:

    python3 train.py                                   # one process (a GPU if there is one, else the CPU)
    torchrun --nproc_per_node=4 train.py               # 4 processes, DistributedDataParallel
    torchrun --nnodes=2 --nproc_per_node=8 --rdzv-backend=c10d --rdzv-endpoint=HOST:29500 train.py   # 2 machines

Under torchrun every process trains on its own share of each batch (DistributedSampler): --batch is the
batch of one optimizer step across all processes, as in Convas, where the threads share the batch. GPUs use
the NCCL backend and synchronised BatchNorm (whole-batch statistics, as Convas computes them); CPUs use gloo.

The data pipeline repeats Convas's: the same images, the same stratified validation holdout (Convas's
SplitMix64 generator, ported below), the same resizing to the network input, per-channel normalisation with the
training split's statistics, and the same augmentation drawn from (seed, epoch, image). Weights start as in
Convas (He normal, zero biases), not with the values Convas drew.

After every epoch the first process writes CHECKPOINT/last.pt (model, optimizer, schedule, epoch); --resume
continues from it. At the end it writes the trained state_dict to --out (trained.pt), which model.py loads
(python3 model.py trained.pt) and Convas imports (convas import trained.pt). --init weights.pt starts from the
weights Convas exported (fine-tuning) instead of fresh ones; blocks frozen in Convas stay as they are.
"""
import argparse
import gzip
import json
import math
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F

from model import Net, INPUT_SHAPE, CLASSES

# The settings exported from Convas. Command-line options override the common ones.
SETTINGS = json.loads(r'''
@@SETTINGS@@
''')

HERE = os.path.dirname(os.path.abspath(__file__))


# ---------------------------------------------------------------- Convas's random numbers (SplitMix64)

MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


def _finish(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def rng_mix(*parts):
    """Rng.mix: one seed from several numbers (Java longs)."""
    h = 0x6A09E667F3BCC909
    for p in parts:
        h = _finish(h ^ _finish((p + GOLDEN) & MASK))
    return h


class Rng:
    """org.convas.engine.data.Rng, bit for bit."""

    def __init__(self, seed):
        self.state = seed & MASK

    def next_long(self):
        self.state = (self.state + GOLDEN) & MASK
        return _finish(self.state)

    def next_double(self):
        return (self.next_long() >> 11) * 2.0 ** -53

    def next_int(self, bound):
        return (self.next_long() >> 33) % bound

    def shuffle(self, a):
        for i in range(len(a) - 1, 0, -1):
            j = self.next_int(i + 1)
            a[i], a[j] = a[j], a[i]


def _np_finish(z):
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def draw_transforms(aug, epoch, indices):
    """Augmentation.draw for many images at once: shifts, flips, degrees and scales, as Convas draws them."""
    with np.errstate(over='ignore'):
        # Rng.mix(seed, epoch, index): the first two parts are the same for the whole batch.
        h = rng_mix(aug['seed'], epoch)
        idx = np.asarray(indices, dtype=np.uint64)
        state = _np_finish(np.uint64(h) ^ _np_finish(idx + np.uint64(GOLDEN)))
        draws = []
        for _ in range(5):
            state = state + np.uint64(GOLDEN)
            draws.append(_np_finish(state))
    s = aug['shift']
    dx = (draws[0] >> np.uint64(33)) % np.uint64(2 * s + 1)
    dy = (draws[1] >> np.uint64(33)) % np.uint64(2 * s + 1)
    dx = dx.astype(np.int64) - s
    dy = dy.astype(np.int64) - s
    unit = lambda d: (d >> np.uint64(11)).astype(np.float64) * 2.0 ** -53
    mirror = unit(draws[2]) < 0.5
    turn, size = unit(draws[3]), unit(draws[4])
    degrees = np.zeros(len(idx)) if aug['degrees'] == 0 else (2 * turn - 1) * aug['degrees']
    lo, hi = aug['min_scale'], aug['max_scale']
    scale = np.full(len(idx), lo) if lo == hi else lo + size * (hi - lo)
    return dx, dy, mirror & bool(aug['flip']), degrees, scale


def aug_on(aug):
    return aug['shift'] or aug['flip'] or aug['degrees'] or aug['min_scale'] != 1 or aug['max_scale'] != 1


def augment(x, aug, epoch, indices):
    """Augmentation.warp on a batch of [0, 1] images N×C×H×W: bilinear, zeros outside, about the centre."""
    n, c, h, w = x.shape
    dx, dy, flip, degrees, scale = draw_transforms(aug, epoch, indices)
    if not np.any(degrees) and np.all(scale == 1):
        # Whole pixels: exact copies, as Convas's fast path.
        out = torch.zeros_like(x)
        for i in range(n):
            src = torch.flip(x[i], dims=[2]) if flip[i] else x[i]
            sx, sy = int(dx[i]), int(dy[i])  # out[y, x] = src[y - dy, x - dx] (of the mirrored image when flipped)
            ys, yd = (0, sy) if sy >= 0 else (-sy, 0)
            xs, xd = (0, sx) if sx >= 0 else (-sx, 0)
            hh, ww = h - abs(sy), w - abs(sx)
            if hh > 0 and ww > 0:
                out[i, :, yd:yd + hh, xd:xd + ww] = src[:, ys:ys + hh, xs:xs + ww]
        return out
    cx, cy = (w - 1) / 2.0, (h - 1) / 2.0
    rad = np.radians(degrees)
    cos, sin = np.cos(rad) / scale, np.sin(rad) / scale
    ys, xs = torch.meshgrid(torch.arange(h, dtype=torch.float64), torch.arange(w, dtype=torch.float64), indexing='ij')
    grids = []
    for i in range(n):
        u, v = xs - cx - float(dx[i]), ys - cy - float(dy[i])
        su = cos[i] * u - sin[i] * v
        sv = sin[i] * u + cos[i] * v
        if flip[i]:
            su = -su
        sx, sy = su + cx, sv + cy
        grids.append(torch.stack([sx / max(w - 1, 1) * 2 - 1, sy / max(h - 1, 1) * 2 - 1], dim=-1))
    grid = torch.stack(grids).to(device=x.device, dtype=x.dtype)
    return F.grid_sample(x, grid, mode='bilinear', padding_mode='zeros', align_corners=True)


# ---------------------------------------------------------------- data

def read_idx(path):
    for candidate in (path, path + '.gz'):
        if os.path.isfile(candidate):
            path = candidate
            break
    else:
        sys.exit('train.py: %s(.gz) not found' % path)
    with open(path, 'rb') as f:
        data = f.read()
    if data[:2] == b'\x1f\x8b':
        data = gzip.decompress(data)
    magic, = struct.unpack('>I', data[:4])
    dims = data[3]
    shape = struct.unpack('>' + 'I' * dims, data[4:4 + 4 * dims])
    values = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims)
    return values.reshape(shape)


def idx_pair(images_path, labels_path):
    images = read_idx(images_path)
    labels = read_idx(labels_path).astype(np.int64)
    return [img[None, :, :] for img in images], labels


def cifar(files, record, label_offset):
    images, labels = [], []
    for name in files:
        with open(name, 'rb') as f:
            raw = np.frombuffer(f.read(), dtype=np.uint8)
        rows = raw.reshape(-1, record)
        labels.append(rows[:, label_offset].astype(np.int64))
        images.extend(r.reshape(3, 32, 32) for r in rows[:, record - 3072:])
    return images, np.concatenate(labels)


def image_folder(root):
    try:
        from PIL import Image
    except ImportError:
        sys.exit('train.py: reading an image folder needs Pillow (pip install pillow, or apt-get install python3-pil)')
    classes = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)) and not d.startswith('.'))
    images, labels = [], []
    for k, c in enumerate(classes):
        files = []
        for dirpath, _, names in os.walk(os.path.join(root, c)):
            files.extend(os.path.join(dirpath, n) for n in names if not n.startswith('.'))
        for name in sorted(files):
            try:
                img = Image.open(name)
                img = img.convert('L' if img.mode in ('L', 'I', 'I;16', '1') else 'RGB')
            except Exception:
                continue  # Convas skips unreadable files too
            a = np.asarray(img, dtype=np.uint8)
            images.append(a[None] if a.ndim == 2 else a.transpose(2, 0, 1))
            labels.append(k)
    return images, np.asarray(labels, dtype=np.int64)


def holdout(labels, fraction, seed):
    """Split.holdout: the same stratified validation indices Convas holds out."""
    rng = Rng(rng_mix(seed, 0x5EED5917))
    held = np.zeros(len(labels), dtype=bool)
    for c in range(int(labels.max()) + 1 if len(labels) else 0):
        idx = [int(i) for i in np.nonzero(labels == c)[0]]
        rng.shuffle(idx)
        take = int(math.floor(len(idx) * fraction + 0.5))
        held[idx[:take]] = True
    return np.nonzero(~held)[0], np.nonzero(held)[0]


def load_data(data, path):
    """(train images, train labels, test images or None, test labels or None) as lists of C×H×W uint8."""
    images, labels, test_images, test_labels = load_parts(data, path)
    if test_images is not None or not data.get('test_fraction'):
        return images, labels, test_images, test_labels
    # A source without a test part (one IDX file, CIFAR-10 batches without test_batch.bin, one image folder): Convas
    # holds out this share of each class as the test set, with the seed mixed the same way.
    train, test = holdout(labels, data['test_fraction'], data['seed'] ^ 0x7E57)
    return ([images[i] for i in train], labels[train], [images[i] for i in test], labels[test])


def load_parts(data, path):
    """The training images and labels, and the test part when the source has one (else None, None)."""
    kind = data['kind']
    if kind == 'idx':
        train = idx_pair(os.path.join(path, 'train-images-idx3-ubyte'), os.path.join(path, 'train-labels-idx1-ubyte'))
        test = idx_pair(os.path.join(path, 't10k-images-idx3-ubyte'), os.path.join(path, 't10k-labels-idx1-ubyte'))
        return train + test
    if kind == 'idx-file':
        return idx_pair(path, data['labels']) + (None, None)
    if kind == 'cifar10':
        files = [os.path.join(path, f) for f in data['files']]
        train = cifar(files, 3073, 0)
        test = cifar([os.path.join(path, data['test'])], 3073, 0) if data.get('test') else (None, None)
        return train + test
    if kind == 'cifar100':
        return cifar([os.path.join(path, 'train.bin')], 3074, 1) + cifar([os.path.join(path, 'test.bin')], 3074, 1)
    if kind == 'images':
        if os.path.isdir(os.path.join(path, 'train')) and os.path.isdir(os.path.join(path, 'test')):
            return image_folder(os.path.join(path, 'train')) + image_folder(os.path.join(path, 'test'))
        return image_folder(path) + (None, None)
    sys.exit('train.py: unknown data kind %r' % kind)


def _resize_weights(src, dst):
    """ImageOps.weights as a dst×src matrix: bilinear (pixel centres) when enlarging, area when shrinking."""
    m = np.zeros((dst, src), dtype=np.float64)
    scale = src / dst
    for i in range(dst):
        if dst == src:
            m[i, i] = 1
        elif dst > src:
            pos = min(max((i + 0.5) * scale - 0.5, 0), src - 1)
            i0 = int(math.floor(pos))
            f = pos - i0
            if i0 + 1 < src:
                m[i, i0], m[i, i0 + 1] = 1 - f, f
            else:
                m[i, i0] = 1
        else:
            lo, hi = i * scale, (i + 1) * scale
            for j in range(int(math.floor(lo)), min(int(math.ceil(hi)), src)):
                m[i, j] = (min(j + 1, hi) - max(j, lo)) / scale
    return m


def conform(img, shape):
    """ImageOps.conform: centre crop to the input's aspect ratio, grey/RGB, resize, round to 8 bits."""
    depth, height, width = shape
    c, h, w = img.shape
    if (c, h, w) == (depth, height, width):
        return img
    a, b = w * height, h * width
    x0, y0, cw, ch = 0, 0, w, h
    if a > b:
        cw = max(1, int(math.floor(h * width / height + 0.5)))
        x0 = (w - cw) // 2
    elif a < b:
        ch = max(1, int(math.floor(w * height / width + 0.5)))
        y0 = (h - ch) // 2
    px = img[:, y0:y0 + ch, x0:x0 + cw].astype(np.float32)
    if c == 3 and depth == 1:
        px = (0.299 * px[0] + 0.587 * px[1] + 0.114 * px[2])[None]
    out = np.einsum('yh,chw,xw->cyx', _resize_weights(ch, height), px, _resize_weights(cw, width))
    out = np.clip(np.floor(out + 0.5), 0, 255).astype(np.uint8)
    return np.repeat(out, depth, axis=0) if out.shape[0] != depth else out


def prepare(images, shape):
    return torch.from_numpy(np.stack([conform(i, shape) for i in images])) if images else torch.zeros((0,) + shape, dtype=torch.uint8)


def statistics(train_u8, normalisation):
    """DatasetStatistics: per-channel mean and population std of the training split in [0, 1], or the mean image."""
    x = train_u8.double()
    if normalisation == 'per_channel':
        n, c = x.shape[0], x.shape[1]
        flat = x.transpose(0, 1).reshape(c, -1)
        mean = flat.mean(dim=1)
        std = (flat.pow(2).mean(dim=1) - mean.pow(2)).clamp(min=0).sqrt() / 255
        std[std < 1e-6] = 1
        return (mean / 255).float(), std.float()
    if normalisation == 'mean_image':
        return (x.mean(dim=0) / 255).float(), None
    return None, None


# ---------------------------------------------------------------- training

def main():
    s = SETTINGS
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--data', default=None, help='folder (or file) of the dataset; default: %s' % s['data']['path'])
    p.add_argument('--epochs', type=int, default=s['epochs'])
    p.add_argument('--batch', type=int, default=s['batch'], help='images per optimizer step, over all processes')
    p.add_argument('--lr', type=float, default=s['optimizer']['lr'])
    p.add_argument('--seed', type=int, default=s['seed'])
    p.add_argument('--checkpoint', default=os.path.join(HERE, 'checkpoint'), help='folder for last.pt after each epoch')
    p.add_argument('--resume', action='store_true', help='continue from CHECKPOINT/last.pt')
    p.add_argument('--init', default=None, metavar='FILE',
                   help='start from these weights (a state_dict such as the exported weights.pt) instead of fresh ones')
    p.add_argument('--out', default=os.path.join(HERE, 'trained.pt'), help='where the trained state_dict goes')
    p.add_argument('--device', default=None, help='cpu or cuda (default: cuda when available)')
    p.add_argument('--max-batches', type=int, default=0, help='stop each epoch after this many batches (a quick check)')
    p.add_argument('--print-data', action='store_true', help='print the split and the statistics, then stop')
    p.add_argument('--dump-inputs', default=None, metavar='FILE',
                   help='write the first 16 training images of epoch 1 as the network sees them (augmented, normalised;'
                        ' float32) to FILE, then stop: a check against Convas')
    args = p.parse_args()

    distributed = int(os.environ.get('WORLD_SIZE', '1')) > 1
    rank = int(os.environ.get('RANK', '0'))
    world = int(os.environ.get('WORLD_SIZE', '1'))
    local_rank = int(os.environ.get('LOCAL_RANK', '0'))
    cuda = torch.cuda.is_available() and args.device != 'cpu'
    device = torch.device('cuda', local_rank) if cuda else torch.device('cpu')
    if cuda:
        torch.cuda.set_device(device)
    if distributed:
        dist.init_process_group(backend='nccl' if cuda else 'gloo')
    log = print if rank == 0 else (lambda *a, **k: None)

    # The data, as Convas prepares it.
    data = s['data']
    path = args.data or data['path']
    if not os.path.isabs(path):
        path = os.path.join(HERE, path)
    train_images, train_labels, test_images, test_labels = load_data(data, path)
    if s['limit'] and s['limit'] < len(train_images):
        train_images, train_labels = train_images[:s['limit']], train_labels[:s['limit']]
    if s['validation'] == 'test':
        val_images, val_labels = test_images, test_labels
        test_images = test_labels = None
    elif s['validation_fraction'] > 0:
        t, v = holdout(train_labels, s['validation_fraction'], s['split_seed'])
        val_images, val_labels = [train_images[i] for i in v], train_labels[v]
        train_images, train_labels = [train_images[i] for i in t], train_labels[t]
    else:
        val_images, val_labels = None, None
    held_out = v if s['validation'] != 'test' and s['validation_fraction'] > 0 else []
    shape = tuple(INPUT_SHAPE)
    train_u8 = prepare(train_images, shape)
    train_y = torch.from_numpy(np.asarray(train_labels, dtype=np.int64))
    val_u8 = prepare(val_images, shape) if val_images is not None else None
    val_y = torch.from_numpy(np.asarray(val_labels, dtype=np.int64)) if val_labels is not None else None
    test_u8 = prepare(test_images, shape) if test_images is not None else None
    test_y = torch.from_numpy(np.asarray(test_labels, dtype=np.int64)) if test_labels is not None else None
    mean, std = statistics(train_u8, s['normalisation'])
    if args.print_data:
        print(json.dumps({'train': len(train_u8), 'validation': 0 if val_u8 is None else len(val_u8),
                          'test': 0 if test_u8 is None else len(test_u8),
                          'validation_indices': [int(i) for i in held_out[:20]],
                          'mean': None if mean is None else mean.flatten()[:8].tolist(),
                          'std': None if std is None else std.tolist(),
                          'first_pixels': train_u8[0].flatten()[:16].tolist()}))
        return
    if args.dump_inputs:
        idx = torch.arange(min(16, len(train_u8)))
        x = train_u8[idx].float() / 255
        if aug_on(s['augmentation']):
            x = augment(x, s['augmentation'], 0, idx.numpy())
        normalise_cpu = (x - mean.view(1, -1, 1, 1)) / std.view(1, -1, 1, 1) if s['normalisation'] == 'per_channel' else (
            x - mean if s['normalisation'] == 'mean_image' else x)
        normalise_cpu.numpy().astype('<f4').tofile(args.dump_inputs)
        return
    log('Data:  %d training, %d validation, %d test images of %s, %s' % (
        len(train_u8), 0 if val_u8 is None else len(val_u8), 0 if test_u8 is None else len(test_u8),
        '×'.join(map(str, shape)), data['description']))

    def normalise(x):
        if s['normalisation'] == 'per_channel':
            return (x - mean.to(x.device).view(1, -1, 1, 1)) / std.to(x.device).view(1, -1, 1, 1)
        if s['normalisation'] == 'mean_image':
            return x - mean.to(x.device)
        return x

    # The model, initialised as Convas initialises it, on this process's device.
    torch.manual_seed(args.seed)
    net = Net()
    if args.init:
        net.load_state_dict(torch.load(args.init, map_location='cpu'))
        log('Start: the weights of %s' % args.init)
    net = net.to(device)
    if distributed and cuda and any(isinstance(m, torch.nn.modules.batchnorm._BatchNorm) for m in net.modules()):
        net = torch.nn.SyncBatchNorm.convert_sync_batchnorm(net)
    model = torch.nn.parallel.DistributedDataParallel(net, device_ids=[local_rank] if cuda else None) if distributed else net

    # Weight decay applies to convolution and fully connected weights only, as in Convas.
    decayed, plain = [], []
    for module in net.modules():
        for name, param in module.named_parameters(recurse=False):
            if not param.requires_grad:
                continue  # a block frozen in Convas ("trainable": false)
            weight = name == 'weight' and isinstance(module, (torch.nn.Conv2d, torch.nn.Linear))
            (decayed if weight else plain).append(param)
    o = s['optimizer']
    groups = [{'params': decayed, 'weight_decay': o['weight_decay']}, {'params': plain, 'weight_decay': 0.0}]
    if o['kind'] in ('sgd', 'nesterov'):
        optimizer = torch.optim.SGD(groups, lr=args.lr, momentum=o['momentum'], nesterov=o['kind'] == 'nesterov')
    elif o['kind'] == 'adam':
        optimizer = torch.optim.Adam(groups, lr=args.lr, betas=(o['beta1'], o['beta2']), eps=o['epsilon'])
    elif o['kind'] == 'rmsprop':
        optimizer = torch.optim.RMSprop(groups, lr=args.lr, alpha=o['beta2'], eps=o['epsilon'], momentum=o['momentum'])
    elif o['kind'] == 'adagrad':
        optimizer = torch.optim.Adagrad(groups, lr=args.lr, eps=o['epsilon'])
    else:
        sys.exit('train.py: unknown optimizer %r' % o['kind'])
    sch = s['schedule']
    if sch['kind'] == 'plateau':
        scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode='min', factor=sch['factor'],
                                                               patience=sch['patience'], threshold=1e-4,
                                                               min_lr=args.lr * sch['min_factor'])
    else:
        def factor(epoch):
            if sch['kind'] == 'step':
                return sch['gamma'] ** (epoch // sch['every'])
            if sch['kind'] == 'cosine':
                t = min(epoch, sch['epochs']) / sch['epochs']
                return sch['min_factor'] + (1 - sch['min_factor']) * (1 + math.cos(math.pi * t)) / 2
            return 1.0
        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, factor)

    start_epoch = 0
    last = os.path.join(args.checkpoint, 'last.pt')
    if args.resume:
        if not os.path.isfile(last):
            sys.exit('train.py: --resume: %s does not exist' % last)
        state = torch.load(last, map_location=device)
        net.load_state_dict(state['model'])
        optimizer.load_state_dict(state['optimizer'])
        scheduler.load_state_dict(state['scheduler'])
        start_epoch = state['epoch']
        log('Resumed from %s after epoch %d' % (last, start_epoch))

    per_process = max(1, args.batch // world)
    if args.batch % world:
        log('note: --batch %d is not a multiple of %d processes; each takes %d' % (args.batch, world, per_process))
    from torch.utils.data.distributed import DistributedSampler
    sampler = DistributedSampler(range(len(train_u8)), num_replicas=world, rank=rank, shuffle=True, seed=args.seed)
    aug = s['augmentation']

    def evaluate(images, labels):
        """Loss and accuracy over a whole set, each process taking every world-th image."""
        model.eval()
        total = torch.zeros(3, dtype=torch.float64, device=device)
        with torch.no_grad():
            mine = torch.arange(rank, len(images), world)
            for i in range(0, len(mine), 256):
                idx = mine[i:i + 256]
                x = normalise(images[idx].to(device).float() / 255)
                y = labels[idx].to(device)
                logits = model(x)
                total[0] += F.cross_entropy(logits, y, reduction='sum').double()
                total[1] += (logits.argmax(1) == y).sum().double()
                total[2] += len(idx)
        if distributed:
            dist.all_reduce(total)
        return (total[0] / total[2]).item(), (total[1] / total[2]).item()

    for epoch in range(start_epoch, args.epochs):
        model.train()
        sampler.set_epoch(epoch)
        order = torch.tensor(list(iter(sampler)), dtype=torch.long)
        t0 = time.time()
        seen, loss_sum, correct, losses = 0, 0.0, 0, []
        batches = (len(order) + per_process - 1) // per_process
        if args.max_batches:
            batches = min(batches, args.max_batches)
        for b in range(batches):
            idx = order[b * per_process:(b + 1) * per_process]
            x = train_u8[idx].to(device).float() / 255
            if aug_on(aug):
                x = augment(x, aug, epoch, idx.numpy())
            x = normalise(x)
            y = train_y[idx].to(device)
            logits = model(x)
            loss = F.cross_entropy(logits, y)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if s['clip'] > 0:
                torch.nn.utils.clip_grad_norm_([q for g in groups for q in g['params']], s['clip'])
            optimizer.step()
            value = loss.item()
            losses.append(value)
            loss_sum += value * len(idx)
            correct += (logits.argmax(1) == y).sum().item()
            seen += len(idx)
            if rank == 0 and (b + 1) % 50 == 0:
                print('  batch %d/%d  loss %.4f' % (b + 1, batches, value), flush=True)
        stats = torch.tensor([loss_sum, correct, seen], dtype=torch.float64, device=device)
        if distributed:
            dist.all_reduce(stats)
        train_loss, train_acc = (stats[0] / stats[2]).item(), (stats[1] / stats[2]).item()
        k = min(5, len(losses))
        line = 'epoch %d/%d  train loss %.4f acc %.2f%% (first %d batches %.4f, last %d %.4f)' % (
            epoch + 1, args.epochs, train_loss, 100 * train_acc, k, sum(losses[:k]) / k, k, sum(losses[-k:]) / k)
        val_loss = train_loss
        if val_u8 is not None and len(val_u8):
            val_loss, val_acc = evaluate(val_u8, val_y)
            line += '  validation loss %.4f acc %.2f%%' % (val_loss, 100 * val_acc)
        line += '  %.1f s  lr %.4g' % (time.time() - t0, optimizer.param_groups[0]['lr'])
        log(line, flush=True)
        if sch['kind'] == 'plateau':
            scheduler.step(val_loss)
        else:
            scheduler.step()
        if rank == 0:
            os.makedirs(args.checkpoint, exist_ok=True)
            torch.save({'model': net.state_dict(), 'optimizer': optimizer.state_dict(),
                        'scheduler': scheduler.state_dict(), 'epoch': epoch + 1}, last + '.tmp')
            os.replace(last + '.tmp', last)

    if test_u8 is not None and len(test_u8):
        test_loss, test_acc = evaluate(test_u8, test_y)
        log('Test:  loss %.4f, accuracy %.2f%% on %d images' % (test_loss, 100 * test_acc, len(test_u8)))
    if rank == 0:
        weights = {k: v.detach().cpu() for k, v in net.state_dict().items()}
        if any(k.startswith('module.') for k in weights):
            weights = {k[len('module.'):]: v for k, v in weights.items()}
        torch.save(weights, args.out)
        log('Weights: %s (load with Net().load_state_dict(torch.load(%r)), or: convas import %s)' % (
            args.out, os.path.basename(args.out), args.out))
    if distributed:
        # Leave together: a process that tears down gloo while another is still saving can leave that one waiting
        # forever in destroy_process_group (seen with torch 1.13).
        dist.barrier()
        dist.destroy_process_group()
        # Then leave at once: with torch 1.13 and gloo, freeing DDP's reducer as main() returns left one process
        # waiting forever in C++ in about 1 run of 8 (two CPU processes; a SIGABRT traceback showed it past main()).
        # Everything is saved and printed by now, so nothing is lost by skipping the interpreter's teardown.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


if __name__ == '__main__':
    main()
