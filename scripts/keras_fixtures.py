"""Writes the Keras fixtures Plexus's tests read (run by `make fixtures`, never in CI).

Each model is built by Keras 3 with random weights (fixed seed), saved as `.keras` (and some as
legacy `.h5` and `.weights.h5`), and run on a fixed input; the input and Keras's outputs are saved
as `.npy` beside it. The tests load the files, compare parameter counts and outputs (to 1e-5).
"""
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
import numpy as np
import keras
from keras import layers

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "Tests", "Fixtures", "keras")
os.makedirs(OUT, exist_ok=True)
keras.utils.set_random_seed(7)
rng = np.random.default_rng(7)


def randomize(model):
    """Random values for every weight, statistics included (moving variance kept positive)."""
    for w in model.weights:
        v = rng.normal(0, 0.3, size=w.shape).astype("float32")
        if "moving_variance" in w.path:
            v = np.abs(v) + 0.5
        w.assign(v)


def save(name, model, inputs, h5=False, weights_h5=False):
    randomize(model)
    model.save(os.path.join(OUT, f"{name}.keras"))
    if h5:
        model.save(os.path.join(OUT, f"{name}.h5"))
    if weights_h5:
        model.save_weights(os.path.join(OUT, f"{name}.weights.h5"))
    outputs = model(inputs if len(inputs) > 1 else inputs[0], training=False)
    outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
    for i, x in enumerate(inputs):
        np.save(os.path.join(OUT, f"{name}.in{i}.npy"), np.asarray(x, dtype="float32"))
    for i, y in enumerate(outputs):
        np.save(os.path.join(OUT, f"{name}.out{i}.npy"), np.asarray(y, dtype="float32"))
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    total = sum(int(np.prod(w.shape)) for w in model.weights)
    print(f"{name}: {total} params, {total - trainable} non-trainable, {len(outputs)} output(s)")


def images(*shape):
    return rng.normal(0, 1, size=(2,) + shape).astype("float32")


# A sequential CNN.
cnn = keras.Sequential([
    keras.Input((12, 12, 3)),
    layers.Conv2D(8, 3, padding="same", activation="relu"),
    layers.MaxPooling2D(2),
    layers.Conv2D(6, (3, 2), strides=1, use_bias=False),
    layers.AveragePooling2D(2, padding="same"),
    layers.Flatten(),
    layers.Dense(10, activation="relu"),
    layers.Dropout(0.5),
    layers.Dense(3, activation="softmax"),
], name="cnn")
save("sequential_cnn", cnn, [images(12, 12, 3)], h5=True, weights_h5=True)

# The siamese: one nested feature model called on two inputs (shared weights).
fx = keras.Input((10, 10, 1))
fh = layers.Conv2D(4, 3, activation="relu")(fx)
fh = layers.GlobalAveragePooling2D()(fh)
feature = keras.Model(fx, layers.Dense(5, activation="tanh")(fh), name="feature")
a = keras.Input((10, 10, 1), name="left")
b = keras.Input((10, 10, 1), name="right")
y = layers.Concatenate()([feature(a), feature(b)])
y = layers.Dense(2, activation="softmax")(y)
siamese = keras.Model([a, b], y, name="siamese")
save("siamese", siamese, [images(10, 10, 1), images(10, 10, 1)], h5=True, weights_h5=True)

# A residual block with BatchNormalization (run in inference mode).
x = keras.Input((8, 8, 4))
h = layers.Conv2D(4, 3, padding="same", use_bias=False)(x)
h = layers.BatchNormalization()(h)
h = layers.ReLU()(h)
h = layers.Conv2D(4, 3, padding="same")(h)
h = layers.BatchNormalization(epsilon=1.001e-5, name="bn2")(h)
h = layers.Add()([x, h])
h = layers.Activation("relu")(h)
h = layers.ZeroPadding2D(1)(h)
h = layers.Conv2D(2, 3, strides=2)(h)
residual = keras.Model(x, h, name="residual")
save("residual_bn", residual, [images(8, 8, 4)], h5=True, weights_h5=True)

# Depthwise and separable convolutions (MobileNet and Xception's blocks).
x = keras.Input((9, 9, 3))
h = layers.DepthwiseConv2D(3, padding="same", depth_multiplier=2)(x)
h = layers.ReLU(6.0)(h)
h = layers.SeparableConv2D(5, 3, strides=2, padding="same")(h)
h = layers.DepthwiseConv2D((3, 3), use_bias=False, dilation_rate=1)(h)
h = layers.SeparableConv2D(4, 1, activation="relu", use_bias=False)(h)
h = layers.GlobalMaxPooling2D()(h)
separable = keras.Model(x, h, name="separable")
save("separable", separable, [images(9, 9, 3)], h5=True, weights_h5=True)

# Several outputs, several inputs, a layer shared by two calls.
x = keras.Input((6,), name="features")
z = keras.Input((4,), name="extra")
shared = layers.Dense(4, activation="relu", name="shared")
h1 = shared(layers.Dense(6)(x))
h2 = shared(layers.Dense(6)(z))
m = layers.Multiply()([h1, h2])
out1 = layers.Dense(3, activation="softmax", name="head_class")(m)
out2 = layers.Dense(1, name="head_value")(layers.Subtract()([h1, h2]))
out3 = layers.Reshape((2, 2))(layers.Maximum()([h1, h2]))
multi = keras.Model([x, z], [out1, out2, out3], name="multi")
save("multi_output", multi, [rng.normal(size=(3, 6)).astype("float32"), rng.normal(size=(3, 4)).astype("float32")],
     h5=True, weights_h5=True)
