"""make onnx-check, step 2: every exported model in the folder given (default .build/onnx-check)
must pass onnx.checker.check_model(full_check=True), and ONNX Runtime's outputs must equal the
ones Plexus wrote beside it (test_data_set_N/output_K.pb) to 1e-5 at every batch size: absolutely
for outputs of magnitude up to 1 (probabilities, the models' predictions), relative to the largest
magnitude for larger ones (the zoo's inner tensors, exported as extra outputs, grow to hundreds).

Prints one table row per model and batch size (model, batch, max abs diff) and exits with status
1 if anything fails."""
import glob
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import numpy_helper

TOLERANCE = 1e-5


def read_tensor(path):
    t = onnx.TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return t.name, numpy_helper.to_array(t)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else ".build/onnx-check"
    models = sorted(glob.glob(os.path.join(root, "*", "model.onnx")))
    if not models:
        print(f"onnx-check: no exported models under {root}")
        return 1
    failures = []
    print(f"{'model':<22} {'batch':>5} {'max abs diff':>14} {'worst rel diff':>15} {'outputs':>7}  opset/IR  nodes  initializers")
    for path in models:
        name = os.path.basename(os.path.dirname(path))
        model = onnx.load(path)
        try:
            onnx.checker.check_model(model, full_check=True)
        except Exception as e:  # noqa: BLE001 - report every failure, go on with the next model
            failures.append(f"{name}: check_model failed: {e}")
            print(f"{name:<22} check_model FAILED: {e}")
            continue
        options = ort.SessionOptions()
        options.intra_op_num_threads = 2
        session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        sets = sorted(glob.glob(os.path.join(os.path.dirname(path), "test_data_set_*")))
        if not sets:
            failures.append(f"{name}: no test data")
        for folder in sets:
            feeds = dict(read_tensor(p) for p in sorted(glob.glob(os.path.join(folder, "input_*.pb"))))
            expected = [read_tensor(p) for p in sorted(glob.glob(os.path.join(folder, "output_*.pb")))]
            outputs = session.run([n for n, _ in expected], feeds)
            shapes_ok = all(o.shape == e.shape for o, (_, e) in zip(outputs, expected))
            diffs = [float(np.max(np.abs(o - e))) for o, (_, e) in zip(outputs, expected)]
            scales = [max(1.0, float(np.max(np.abs(e)))) for _, e in expected]
            diff = max(diffs)
            relative = max(d / s for d, s in zip(diffs, scales))
            batch = next(iter(feeds.values())).shape[0]
            opset = model.opset_import[0].version
            print(f"{name:<22} {batch:>5} {diff:>14.3e} {relative:>15.3e} {len(expected):>7}  {opset}/{model.ir_version}     "
                  f"{len(model.graph.node):>5}  {len(model.graph.initializer):>12}")
            if not shapes_ok:
                failures.append(f"{name} batch {batch}: output shapes differ")
            if not relative <= TOLERANCE:
                failures.append(f"{name} batch {batch}: difference {relative:.3e} (relative to max(1, |expected|)) > {TOLERANCE}")
    if failures:
        print("\nonnx-check FAILED:\n  " + "\n  ".join(failures))
        return 1
    print(f"\nonnx-check: {len(models)} models pass check_model(full_check=True) and match Plexus to {TOLERANCE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
