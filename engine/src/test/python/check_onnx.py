#!/usr/bin/python3
"""Validates ONNX files exported by Convas with python3-onnx, for the Java tests.

    /usr/bin/python3 check_onnx.py FILE.onnx...

For each file: onnx.checker.check_model(full_check=True) (the graph, the operators of the declared opset, the
types and shapes it can infer), then the output shape shape inference gives. Prints one JSON line per file:
{"file": ..., "ok": true, "opset": 13, "output": ["batch", 10], "nodes": 14} or {"file": ..., "ok": false, "error": ...}.
onnxruntime is not packaged by Debian, so nothing here runs the models.
"""
import json
import sys

import onnx
import onnx.checker
import onnx.shape_inference


def dims(value_info):
    return [d.dim_param if d.dim_param else d.dim_value for d in value_info.type.tensor_type.shape.dim]


for path in sys.argv[1:]:
    try:
        onnx.checker.check_model(path, full_check=True)
        model = onnx.load(path)
        inferred = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
        out = inferred.graph.output[0]
        print(json.dumps({'file': path, 'ok': True, 'opset': model.opset_import[0].version, 'output': dims(out),
                          'nodes': len(model.graph.node)}), flush=True)
    except Exception as e:  # report and go on: the Java side names the file
        print(json.dumps({'file': path, 'ok': False, 'error': '%s: %s' % (type(e).__name__, e)}), flush=True)
