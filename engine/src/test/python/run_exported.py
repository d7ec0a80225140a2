#!/usr/bin/python3
"""Runs networks exported by Convas (model.py) with PyTorch, for the Java export tests.

    /usr/bin/python3 run_exported.py JOBS.json

JOBS.json is a list of jobs, one per exported folder:
    {"dir": ".../lenet5", "input": "input.bin", "count": 2, "weights": "weights.pt", "probabilities": true,
     "out": "torch.bin"}
For each job it imports model.py from the folder, loads the weights, runs the network in evaluation mode on the
float32 input (count × C × H × W, little-endian) and writes the logits, then the probabilities (net.probabilities,
or the softmax of the logits when "probabilities" is false, to spare big networks a second pass), as float32
(little-endian) to "out". The weights are a state_dict written by Convas, loaded with torch.load and
load_state_dict (strict).
Prints one line per job: the folder and the parameter count, so the Java side can check it.
"""
import importlib.util
import json
import os
import sys

import numpy as np
import torch


def main():
    torch.set_num_threads(2)
    jobs = json.load(open(sys.argv[1]))
    for job in jobs:
        d = job['dir']
        spec = importlib.util.spec_from_file_location('model_' + str(abs(hash(d))), os.path.join(d, 'model.py'))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        # The weights are loaded next: skip drawing initial ones (1–2 s for a VGG).
        module.Net.reset_parameters = lambda self: None
        net = module.Net()
        state = torch.load(os.path.join(d, job['weights']), map_location='cpu')
        net.load_state_dict(state, strict=True)
        del state
        net.eval()
        c, h, w = module.INPUT_SHAPE
        count = job['count']
        x = np.fromfile(os.path.join(d, job['input']), dtype='<f4').reshape(count, c, h, w)
        with torch.no_grad():
            logits = net(torch.from_numpy(x.copy()))
            probs = net.probabilities(torch.from_numpy(x.copy())) if job['probabilities'] else torch.softmax(logits, 1)
        out = np.concatenate([logits.numpy().astype('<f4').ravel(), probs.numpy().astype('<f4').ravel()])
        out.tofile(os.path.join(d, job['out']))
        print(d, sum(p.numel() for p in net.parameters()), flush=True)


if __name__ == '__main__':
    main()
