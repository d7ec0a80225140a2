#!/usr/bin/python3
"""Exports networks with PyTorch's own ONNX exporter, for the Java import tests (a model "trained elsewhere").

    /usr/bin/python3 torch_to_onnx.py DIR...

Each DIR holds a model.py and weights.pt exported by Convas; writes DIR/torch.onnx with torch.onnx.export
(opset 13, evaluation mode, a dynamic batch dimension), as a PyTorch user would.
"""
import importlib.util
import os
import sys
import warnings

import torch

warnings.filterwarnings('ignore')
torch.set_num_threads(2)
for d in sys.argv[1:]:
    spec = importlib.util.spec_from_file_location('model_' + str(abs(hash(d))), os.path.join(d, 'model.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    net = module.Net()
    net.load_state_dict(torch.load(os.path.join(d, 'weights.pt')))
    net.eval()
    torch.onnx.export(net, torch.zeros(1, *module.INPUT_SHAPE), os.path.join(d, 'torch.onnx'), opset_version=13,
                      input_names=['input'], output_names=['logits'],
                      dynamic_axes={'input': {0: 'batch'}, 'logits': {0: 'batch'}})
    print(d, flush=True)
