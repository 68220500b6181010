"""Runs plexus-bench and the reference implementations side by side and prints the ratio table.

For each environment (the OpenBLAS variables as the machine sets them, then OPENBLAS_CORETYPE=Haswell
OPENBLAS_L2_SIZE=512 for every process alike) and each of ROUNDS rounds, every workload runs once in
its own process per implementation, ours and theirs alternating, so that a noisy neighbour hits both.
The table keeps each side's best (lowest) median over the rounds and shows the range; the ratio is
best against best. Peak resident memory is each process's own (one workload per process).

  python3 bench/compare.py --plexus PATH --torch PYTHON [--ort PYTHON] [--rounds 2] [WORKLOAD ...]

A workload named X_script (the step typed as a script in a Session) runs beside its X_api twin (the
same step through the Swift API), both ours, and goes into a second table: what the language costs.

The ONNX Runtime column appears when --ort is given and bench/ort_plexus.py exists: it times
Plexus's own ONNX exports and prints the same JSON line as torch_ref.py for one workload.
Standard library only: the reference interpreters bring torch / onnxruntime themselves."""
import argparse, ctypes.util, json, os, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT = ["mlp", "siamese", "hyper", "vgg16_infer", "resnet50_infer", "mobilenet_infer",
           "resnet50_train", "mobilenet_train", "mlp_script", "siamese_script", "predict_script"]
INFERENCE = {"vgg16_infer", "resnet50_infer", "mobilenet_infer"}
TRAINING = {"mlp", "siamese", "hyper", "resnet50_train", "mobilenet_train"}
HASWELL = {"OPENBLAS_CORETYPE": "Haswell", "OPENBLAS_L2_SIZE": "512"}


def run_one(cmd, env):
    """The JSON line of one workload run, or None (with the error on stderr) when it failed."""
    p = subprocess.run(cmd, env=env, capture_output=True, text=True)
    lines = [l for l in p.stdout.splitlines() if l.startswith("{")]
    if p.returncode != 0 or not lines:
        sys.stderr.write(f"compare: {' '.join(cmd)} failed ({p.returncode}): {p.stderr.strip()[-400:]}\n")
        return None
    return json.loads(lines[-1])


def openblas_core(env):
    """The kernel OpenBLAS picks under `env` (openblas_get_corename), asked in a child process."""
    lib = ctypes.util.find_library("openblas")
    if not lib:
        return "unknown (libopenblas not found)"
    code = ("import ctypes; l = ctypes.CDLL(%r); l.openblas_get_corename.restype = ctypes.c_char_p; "
            "print(l.openblas_get_corename().decode())" % lib)
    p = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    return p.stdout.strip() or "unknown"


def fmt(xs):
    if not xs:
        return "-"
    lo, hi = min(xs), max(xs)
    return f"{lo:,.1f}" if hi - lo < 0.05 * lo else f"{lo:,.1f} ({hi:,.1f})"


def table(results, workloads, with_ort):
    head = ["workload", "Plexus ms", "PyTorch ms", "Plexus / PyTorch"]
    if with_ort:
        head += ["ONNX Runtime ms", "Plexus / ORT"]
    head += ["Plexus peak MB", "PyTorch peak MB"]
    rows = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for w in workloads:
        r = results[w]
        ours, torch = [x["ms_per_step"] for x in r["plexus"]], [x["ms_per_step"] for x in r["torch"]]
        ratio = f"{min(ours) / min(torch):.2f}x" if ours and torch else "-"
        cells = [w, fmt(ours), fmt(torch), ratio]
        if with_ort:
            ort = [x["ms_per_step"] for x in r["ort"]]
            cells += [fmt(ort), f"{min(ours) / min(ort):.2f}x" if ours and ort else "-"]
        if w in TRAINING:
            cells += [str(max((x.get("peak_rss_mb", 0) for x in r["plexus"]), default="-")),
                      str(max((x.get("peak_rss_mb", 0) for x in r["torch"]), default="-"))]
        else:
            cells += ["", ""]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def language_table(results, workloads):
    rows = ["| workload | script ms | Swift API ms | script / API |", "| --- | --- | --- | --- |"]
    for w in workloads:
        script, api = [x["ms_per_step"] for x in results[w]["plexus"]], [x["ms_per_step"] for x in results[w]["api"]]
        ratio = f"{min(script) / min(api):.3f}x" if script and api else "-"
        rows.append(f"| {w[:-len('_script')]} | {fmt(script)} | {fmt(api)} | {ratio} |")
    return "\n".join(rows)


def commands(w, a, ort_script, with_ort):
    """(impl, command) pairs to run for workload `w`, alternating."""
    if w.endswith("_script"):
        return [("plexus", [a.plexus, w]), ("api", [a.plexus, w[:-len("_script")] + "_api"])]
    return [("plexus", [a.plexus, w]),
            ("torch", [a.torch, os.path.join(HERE, "torch_ref.py"), w])] + \
           ([("ort", [a.ort, ort_script, w])] if with_ort and w in INFERENCE else [])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--plexus", required=True, help="the release plexus-bench binary")
    ap.add_argument("--torch", required=True, help="a python with torch (and torchvision for resnet50)")
    ap.add_argument("--ort", help="a python with onnxruntime, for bench/ort_plexus.py")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--env", choices=["machine", "haswell", "both"], default="both")
    ap.add_argument("workloads", nargs="*", default=DEFAULT)
    a = ap.parse_args()
    ort_script = os.path.join(HERE, "ort_plexus.py")
    with_ort = bool(a.ort) and os.path.exists(ort_script)
    base = {k: v for k, v in os.environ.items()}
    envs = []
    if a.env in ("machine", "both"):
        envs.append(("OpenBLAS variables as the machine sets them: " +
                     (", ".join(f"{k}={base[k]}" for k in HASWELL if k in base) or "unset"), base))
    if a.env in ("haswell", "both"):
        envs.append(("OPENBLAS_CORETYPE=Haswell OPENBLAS_L2_SIZE=512 for every process", {**base, **HASWELL}))
    for title, env in envs:
        results = {w: {"plexus": [], "torch": [], "ort": [], "api": []} for w in a.workloads}
        for rnd in range(a.rounds):
            for w in a.workloads:
                for impl, cmd in commands(w, a, ort_script, with_ort):
                    r = run_one(cmd, env)
                    if r:
                        results[w][impl].append(r)
                        print(f"  round {rnd + 1} {impl:6} {w:16} {r['ms_per_step']:10.2f} ms {r.get('peak_rss_mb', '-'):>6} MB peak",
                              file=sys.stderr, flush=True)
        impls = sorted({x["impl"] for r in results.values() for k in r if k != "api" for x in r[k]})
        print(f"\n{title}; OpenBLAS kernel: {openblas_core(env)}; {', '.join(impls)}; "
              f"best of {a.rounds} alternating rounds, (worst) when they differ by 5% or more\n")
        versus = [w for w in a.workloads if not w.endswith("_script")]
        language = [w for w in a.workloads if w.endswith("_script")]
        if versus:
            print(table(results, versus, with_ort), flush=True)
        if language:
            print("\nWhat the language costs (ours only: the step typed as a script vs the Swift API):\n")
            print(language_table(results, language), flush=True)


if __name__ == "__main__":
    main()
