"""Plexus against Keras itself, both ways (`make keras-check`; needs keras + jax from PyPI, never CI).

1. Keras -> Plexus: keras.applications models built with weights=None (random weights, fixed
   seed), saved by Keras as .keras, imported by Plexus (`load_keras`): parameter counts (total,
   non-trainable) equal and outputs on the same input equal to 1e-4.
2. Plexus -> Keras: the zoo scripts (sessions/zoo/*.plx) and the seed scenarios (the trained
   hypernetwork of sessions/hypernetwork.plx, the basis-conv classifier of sessions/basis_conv.plx,
   the siamese of sessions/siamese.plx) exported by `save_keras`, loaded by keras.saving.load_model
   (custom layers from the plexus_layers.py written beside the file): counts and outputs equal.
   The scenarios then take one training step in Keras: loss finite, weights changed.
3. Scale-out: the exported siamese and hypernetwork train a few epochs under
   keras.distribution.DataParallel over two JAX CPU devices (a child process started with
   XLA_FLAGS=--xla_force_host_platform_device_count=2): the loss falls.

Prints one table (model, direction, counts both sides, max abs difference, verdict) and exits 1
on any failure.

  python scripts/keras_check.py --plexus .build/release/plexus [--work DIR] [--only NAME ...]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

os.environ.setdefault("KERAS_BACKEND", "jax")

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
TOLERANCE = 1e-4

APPLICATIONS = [  # (name, constructor, input size)
    ("VGG16", "VGG16", 224), ("ResNet50", "ResNet50", 224), ("MobileNet", "MobileNet", 224),
    ("MobileNetV2", "MobileNetV2", 224), ("InceptionResNetV2", "InceptionResNetV2", 299),
    ("DenseNet121", "DenseNet121", 224), ("Xception", "Xception", 299),
]
ZOO = [  # (script, variable, input size)
    ("vgg16.plx", "vgg16", 224), ("resnet50.plx", "resnet50", 224), ("mobilenet.plx", "mobilenet", 224),
    ("inception_resnet_v2.plx", "inception_resnet_v2", 299),
]


def run_plexus(plexus, script, work):
    """Runs a generated Plexus script in `work`; returns the words of the lines it printed after
    'CHECK', and the times `:time on` printed (one per timed statement)."""
    path = os.path.join(work, "check.plx")
    with open(path, "w") as f:
        f.write(script)
    done = subprocess.run([plexus, path], cwd=work, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"plexus failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    found = [line.split()[1:] for line in done.stdout.splitlines() if line.startswith("CHECK ")]
    timed = [line.split(":", 1)[1].strip() for line in done.stdout.splitlines() if line.startswith("time: ")]
    return found, timed


def keras_counts(model):
    import numpy as np
    non_trainable = int(sum(np.prod(w.shape) for w in model.non_trainable_weights))
    return int(model.count_params()), non_trainable


def randomize(model, seed):
    """Random weights that keep a deep network's signal alive, so that outputs differ per class.

    Keras's own initialisation (glorot kernels, BatchNormalization at mean 0 and variance 1) makes
    the deep applications' outputs a uniform softmax to seven digits, and two uniform vectors agree
    whatever the importer did. Here kernels are He-normal (variance 2 / fan_in, fan_in of a
    depthwise kernel being its window), biases and BatchNormalization's beta and statistics small
    and random, gamma and the moving variance near 1.
    """
    import numpy as np
    rng = np.random.default_rng(seed)
    for w in model.weights:
        shape, path = tuple(w.shape), w.path
        if "kernel" in path and len(shape) >= 2:
            fan_in = int(np.prod(shape[:2])) if "depthwise" in path else int(np.prod(shape[:-1]))
            v = rng.normal(0, np.sqrt(2.0 / fan_in), shape)
        elif "gamma" in path or "moving_variance" in path:
            v = rng.uniform(0.8, 1.2, shape)
        else:   # biases, beta, moving_mean
            v = rng.normal(0, 0.05, shape)
        w.assign(v.astype("float32"))


def calibrate(model, x):
    """Scales the last layer with a kernel so that its pre-activation outputs on `x` have a
    standard deviation of 3: residual networks grow their signal block by block, and a softmax of
    huge logits is one-hot, which again agrees whatever the importer did."""
    import numpy as np
    import keras
    last = [layer for layer in model.layers if hasattr(layer, "kernel")][-1]
    if isinstance(last, keras.layers.Dense):
        features = np.asarray(keras.Model(model.inputs, last.input)(x, training=False))
        logits = features @ np.asarray(last.kernel.numpy()) + np.asarray(last.bias.numpy())
    else:   # a linear 1x1 convolution (MobileNet's conv_preds)
        logits = np.asarray(keras.Model(model.inputs, last.output)(x, training=False))
    scale = 3.0 / (float(np.std(logits)) + 1e-30)
    last.kernel.assign(last.kernel.numpy() * scale)
    last.bias.assign(last.bias.numpy() * scale)


def compare(got, expected):  # noqa: D103
    """The max abs difference (None when the shapes differ) and a note on how varied the output is."""
    import numpy as np
    if got.shape != expected.shape:
        return None, f"shapes differ: Plexus {expected.shape}, Keras {got.shape}"
    return float(np.max(np.abs(got - expected))), f"outputs span {float(expected.min()):.3g}..{float(expected.max()):.3g}"


def plexus_lines(model_var, inputs, outputs):
    """The lines that print a model's counts and save its predictions on the given .npy inputs."""
    x = inputs[0] if len(inputs) == 1 else "[" + ", ".join(inputs) + "]"
    lines = [f'print("CHECK", params({model_var}), params({model_var}, trainable: false))',
             f"p = predict({model_var}, {x}, batch: 4)"]
    if len(outputs) == 1:
        lines.append(f'save_npy(p, "{outputs[0]}")')
    else:
        lines += [f'save_npy(p[{i}], "{o}")' for i, o in enumerate(outputs)]
    return "\n".join(lines) + "\n"


def guarded(table, model, direction, body):
    """Runs one check; an exception is a failed row (with its last line), and the others go on."""
    try:
        body()
    except Exception as error:  # noqa: BLE001 (any failure of one model is that model's row)
        text = str(error).strip().splitlines()
        table.add_verdict(model, direction, False, (text[-1] if text else type(error).__name__)[:300])


class Table:
    def __init__(self):
        self.rows = []

    def add(self, model, direction, ours, theirs, diff, note=""):
        ok = ours == theirs and diff is not None and diff <= TOLERANCE
        self.rows.append((model, direction, ours, theirs, diff, "pass" if ok else "FAIL", note))
        print(f"  {model:24} {direction:15} plexus {ours} keras {theirs} max|diff| {diff if diff is None else f'{diff:.2e}'} {note}",
              flush=True)
        return ok

    def add_verdict(self, model, direction, ok, note):
        self.rows.append((model, direction, None, None, None, "pass" if ok else "FAIL", note))
        print(f"  {model:24} {direction:15} {'pass' if ok else 'FAIL'} {note}", flush=True)
        return ok

    def markdown(self):
        out = ["| model | direction | params (total, non-trainable) Plexus | Keras | max abs diff | result | note |",
               "| --- | --- | --- | --- | --- | --- | --- |"]
        for m, d, ours, theirs, diff, verdict, note in self.rows:
            fmt = lambda c: "-" if c is None else f"{c[0]:,} / {c[1]:,}"
            out.append(f"| {m} | {d} | {fmt(ours)} | {fmt(theirs)} | {'-' if diff is None else f'{diff:.1e}'} | {verdict} | {note} |")
        return "\n".join(out)


def keras_to_plexus(plexus, work, table, only):
    for name, ctor, size in APPLICATIONS:
        if only and name not in only:
            continue
        guarded(table, name, "Keras -> Plexus", lambda: import_one(plexus, work, table, name, ctor, size))


def import_one(plexus, work, table, name, ctor, size):
    """One keras.applications model, saved by Keras and imported by Plexus."""
    import numpy as np
    import keras
    keras.utils.set_random_seed(1)
    model = getattr(keras.applications, ctor)(weights=None, input_shape=(size, size, 3))
    randomize(model, 1)
    x = np.random.default_rng(2).standard_normal((2, size, size, 3)).astype("float32")
    calibrate(model, x)
    path = os.path.join(work, f"{name}.keras")
    model.save(path)
    np.save(os.path.join(work, f"{name}.x.npy"), x)
    expected = np.asarray(model(x, training=False))
    found, timed = run_plexus(plexus, f':time on\nm = load_keras("{path}")\n:time off\n'
                                + plexus_lines("m", [f'npy("{name}.x.npy")'], [f"{name}.plexus.npy"]), work)
    ours = tuple(int(v) for v in found[0])
    diff, note = compare(expected, np.load(os.path.join(work, f"{name}.plexus.npy")))
    table.add(name, "Keras -> Plexus", ours, keras_counts(model), diff, f"{note}; load_keras {timed[0] if timed else '?'}")
    os.remove(path)


def plexus_to_keras(plexus, work, table, only):
    for script, var, size in ZOO:
        if only and var not in only:
            continue
        guarded(table, var, "Plexus -> Keras", lambda: export_one(plexus, work, table, script, var, size))


def export_one(plexus, work, table, script, var, size):
    """One zoo script's model, exported by Plexus and loaded by Keras."""
    import numpy as np
    import keras
    x = np.random.default_rng(3).standard_normal((2, size, size, 3)).astype("float32")
    np.save(os.path.join(work, f"{var}.x.npy"), x)
    # The zoo's architecture, given He-scaled random weights by Keras (see randomize) through
    # load_weights, then exported by save_keras and loaded by Keras again.
    plain = os.path.join(work, f"zoo_{var}.plain.keras")
    zoo = f':load {os.path.join(REPO, "sessions", "zoo", script)}\n'
    run_plexus(plexus, zoo + f'save_keras({var}, "{plain}")\n', work)
    randomized = keras.saving.load_model(plain)
    randomize(randomized, 2)
    calibrate(randomized, x)
    weights = os.path.join(work, f"zoo_{var}.weights.h5")
    randomized.save_weights(weights)
    path = os.path.join(work, f"zoo_{var}.keras")
    found, _ = run_plexus(plexus, zoo + f'load_weights({var}, "{weights}")\nsave_keras({var}, "{path}")\n'
                          + plexus_lines(var, [f'npy("{var}.x.npy")'], [f"{var}.plexus.npy"]), work)
    model = keras.saving.load_model(path)
    got = np.asarray(model(x, training=False))
    diff, note = compare(got, np.load(os.path.join(work, f"{var}.plexus.npy")))
    table.add(var, "Plexus -> Keras", tuple(int(v) for v in found[0]), keras_counts(model), diff, note)
    for f in (plain, weights, path):
        os.remove(f)


def scenarios(plexus, work, table, only):
    """The seed scenarios exported, loaded, compared, and trained one step in Keras."""
    import numpy as np
    rng = np.random.default_rng(4)
    cases = [  # (session, model variable, inputs as numpy arrays, loss, targets)
        ("hypernetwork.plx", "hyper", [rng.uniform(-0.5, 0.5, (4, 24, 24, 1)), rng.uniform(-0.5, 0.5, (4, 5, 5, 1))],
         "binary_crossentropy", (rng.uniform(size=(4, 24, 24, 1)) > 0.9).astype("float32")),
        ("basis_conv.plx", "clf", [rng.uniform(0, 1, (4, 8, 8, 1))],
         "sparse_categorical_crossentropy", np.array([0, 3, 5, 9], dtype="float32")),
        ("siamese.plx", "siamese", [rng.uniform(0, 1, (4, 28, 28, 1)), rng.uniform(0, 1, (4, 28, 28, 1))],
         "sparse_categorical_crossentropy", np.array([0, 1, 1, 0], dtype="float32")),
    ]
    for session, var, inputs, loss, targets in cases:
        if only and var not in only:
            continue
        guarded(table, var, "Plexus -> Keras", lambda: scenario_one(plexus, work, table, session, var, inputs, loss, targets))


def scenario_one(plexus, work, table, session, var, inputs, loss, targets):
    """One seed scenario exported, loaded by Keras, compared, and trained one step there."""
    import numpy as np
    import keras
    names = []
    for i, x in enumerate(inputs):
        names.append(f"{var}.in{i}.npy")
        np.save(os.path.join(work, names[-1]), x.astype("float32"))
    path = os.path.join(work, f"scenario_{var}.keras")
    found, _ = run_plexus(plexus, f':load {os.path.join(REPO, "sessions", session)}\n'
                          f'save_keras({var}, "{path}")\n'
                          + plexus_lines(var, [f'npy("{n}")' for n in names], [f"{var}.plexus.npy"]), work)
    sys.path.insert(0, work)
    import plexus_layers  # noqa: F401  (written beside the file by save_keras when custom layers are needed)
    model = keras.saving.load_model(path)
    feed = [x.astype("float32") for x in inputs]
    got = np.asarray(model(feed if len(feed) > 1 else feed[0], training=False))
    diff, note = compare(got, np.load(os.path.join(work, f"{var}.plexus.npy")))
    table.add(var, "Plexus -> Keras", tuple(int(v) for v in found[0]), keras_counts(model), diff, f"sessions/{session}; {note}")
    before = [np.asarray(w.numpy()) for w in model.trainable_weights]
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=loss)
    value = float(model.train_on_batch(feed if len(feed) > 1 else feed[0], targets))
    changed = sum(not np.array_equal(b, np.asarray(a.numpy())) for b, a in zip(before, model.trainable_weights))
    table.add_verdict(var, "train in Keras", np.isfinite(value) and changed == len(before),
                      f"one Adam step: loss {value:.4f}, {changed} of {len(before)} trainable weights changed")


DISTRIBUTED = r'''
import json, os, sys
import numpy as np
import keras
sys.path.insert(0, sys.argv[1])
import plexus_layers  # noqa: F401
devices = keras.distribution.list_devices()
keras.distribution.set_distribution(keras.distribution.DataParallel(devices=devices))
rng = np.random.default_rng(5)
result = {"devices": len(devices)}
for name, inputs, loss, targets in [
    ("siamese", [rng.uniform(0, 1, (64, 28, 28, 1)), rng.uniform(0, 1, (64, 28, 28, 1))], "sparse_categorical_crossentropy",
     "same"),
    ("hyper", [rng.uniform(-0.5, 0.5, (64, 24, 24, 1)), rng.uniform(-0.5, 0.5, (64, 5, 5, 1))], "binary_crossentropy",
     None),
]:
    feed = [x.astype("float32") for x in inputs]
    if targets == "same":   # the siamese question: is the right image the left one? (half the pairs are)
        feed[1][::2] = feed[0][::2]
        targets = np.array([1, 0] * 32, dtype="float32")
    if targets is None:   # the task of template_matching: the template pasted at a random place, 1 at its centre
        targets = np.zeros((64, 24, 24, 1), dtype="float32")
        for i in range(64):
            r, c = rng.integers(0, 20, 2)
            feed[0][i, r:r + 5, c:c + 5, 0] = feed[1][i, :, :, 0]
            targets[i, r + 2, c + 2, 0] = 1
    model = keras.saving.load_model(os.path.join(sys.argv[1], f"scenario_{name}.keras"))
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=loss)
    history = model.fit(feed, targets, batch_size=16, epochs=6, verbose=0)
    result[name] = history.history["loss"]
print(json.dumps(result))
'''


def distributed(work, table, only):
    for name in ("siamese", "hyper"):
        if not os.path.exists(os.path.join(work, f"scenario_{name}.keras")):
            table.add_verdict(name, "DataParallel x2", False, "the exported scenario is missing (run without --only)")
            return
    env = dict(os.environ, XLA_FLAGS="--xla_force_host_platform_device_count=2", KERAS_BACKEND="jax")
    done = subprocess.run([sys.executable, "-c", DISTRIBUTED, work], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        table.add_verdict("siamese, hyper", "DataParallel x2", False, done.stderr.strip().splitlines()[-1][:200])
        return
    result = json.loads(done.stdout.strip().splitlines()[-1])
    for name in ("siamese", "hyper"):
        losses = result[name]
        table.add_verdict(name, f"DataParallel x{result['devices']}", result["devices"] == 2 and losses[-1] < losses[0],
                          "loss by epoch " + ", ".join(f"{v:.4f}" for v in losses))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plexus", required=True, help="the release plexus binary")
    parser.add_argument("--work", help="folder for the files (default: a temporary one, removed after)")
    parser.add_argument("--only", nargs="*", default=[], help="model names to check (default: all)")
    args = parser.parse_args()
    plexus = os.path.abspath(args.plexus)
    work = args.work or tempfile.mkdtemp(prefix="plexus-keras-check-")
    os.makedirs(work, exist_ok=True)
    import keras
    print(f"keras {keras.__version__} on {keras.backend.backend()}; files in {work}", flush=True)
    table = Table()
    keras_to_plexus(plexus, work, table, args.only)
    plexus_to_keras(plexus, work, table, args.only)
    scenarios(plexus, work, table, args.only)
    if not args.only:
        distributed(work, table, args.only)
    print()
    print(table.markdown())
    failed = [r for r in table.rows if r[5] != "pass"]
    print(f"\nkeras-check: {len(table.rows) - len(failed)} passed, {len(failed)} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
