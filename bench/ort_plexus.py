"""ONNX Runtime's CPU inference time on the models Plexus exported (bench/export_onnx_models.plx),
batch 1, 224x224x3, 2 intra-op threads, one JSON line per workload as plexus-bench prints them:

    {"impl": "onnxruntime", "workload": "resnet50_infer", "ms_per_step": 41.234}

The median of 25 timed runs after 3 warm-up runs (plexus-bench's rule). Usage:
    python bench/ort_plexus.py [FOLDER] [WORKLOAD ...]   # FOLDER defaults to .build/bench-onnx; all workloads
(bench/compare.py passes one workload name at a time.)
Produce the files with `make bench-ort` (which also runs this) or by running
bench/export_onnx_models.plx with the plexus binary from the repository's root."""
import json
import os
import sys
import time

import numpy as np
import onnxruntime as ort

WORKLOADS = [("resnet50_infer", "resnet50.onnx"), ("mobilenet_infer", "mobilenet.onnx"), ("vgg16_infer", "vgg16.onnx")]
WARMUP, STEPS = 3, 25


def median_ms(run):
    for _ in range(WARMUP):
        run()
    times = []
    for _ in range(STEPS):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1e3)
    times.sort()
    return times[len(times) // 2]


def main():
    names = {w for w, _ in WORKLOADS}
    wanted = [a for a in sys.argv[1:] if a in names]
    folders = [a for a in sys.argv[1:] if a not in names]
    folder = folders[0] if folders else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".build", "bench-onnx")
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    options.inter_op_num_threads = 1
    rng = np.random.default_rng(1)
    image = rng.standard_normal((1, 224, 224, 3), dtype=np.float32)
    for workload, file in WORKLOADS:
        if wanted and workload not in wanted:
            continue
        path = os.path.join(folder, file)
        if not os.path.exists(path):
            print(f"ort_plexus: {path} is missing; run `make bench-ort` to export it", file=sys.stderr)
            return 1
        session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        feeds = {session.get_inputs()[0].name: image}
        ms = median_ms(lambda: session.run(None, feeds))
        print(json.dumps({"impl": "onnxruntime", "workload": workload, "ms_per_step": round(ms, 3)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
