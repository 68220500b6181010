/// The Python module `saveKeras` writes beside a `.keras` file that uses constructs only Plexus
/// has: Keras custom layers registered under the package `plexus`, one per entry of the layer
/// table whose class starts with `Plexus`. `import plexus_layers` before `keras.saving.load_model`
/// (or put the folder on `PYTHONPATH`); the layers run and train on every Keras backend.
let plexusLayersPython = #"""
"""Keras custom layers for the constructs only Plexus has, written by Plexus's save_keras.

Import this module before keras.saving.load_model(...) opens a file that uses them:

    import plexus_layers
    model = keras.saving.load_model("model.keras")
"""
import keras
from keras import ops



def _activation(name):
    return None if name in (None, "linear") else keras.activations.get(name)


@keras.saving.register_keras_serializable(package="plexus")
class PlexusWeight(keras.layers.Layer):
    """A weight used as a value (W = sum a_i b_i): the layer's input only anchors it in the graph."""

    def __init__(self, shape, trainable_weight=True, statistic=False, **kwargs):
        super().__init__(**kwargs)
        self.weight_shape = tuple(shape)
        self.trainable_weight = trainable_weight
        self.statistic = statistic
        self.value = self.add_weight(shape=self.weight_shape, initializer="glorot_uniform",
                                     trainable=trainable_weight and not statistic, name="value")

    def call(self, anchor):
        return ops.convert_to_tensor(self.value)

    def compute_output_shape(self, anchor_shape):
        return self.weight_shape

    def get_config(self):
        return {**super().get_config(), "shape": list(self.weight_shape),
                "trainable_weight": self.trainable_weight, "statistic": self.statistic}


@keras.saving.register_keras_serializable(package="plexus")
class PlexusElementwise(keras.layers.Layer):
    """a + b, a - b, a * b, a / b with NumPy broadcasting (no implicit batch dimension)."""

    def __init__(self, op, **kwargs):
        super().__init__(**kwargs)
        self.op = op

    def call(self, inputs):
        a, b = inputs
        return {"add": ops.add, "subtract": ops.subtract, "multiply": ops.multiply, "divide": ops.divide}[self.op](a, b)

    def compute_output_shape(self, shapes):
        a, b = (list(s) for s in shapes)
        n = max(len(a), len(b))
        a, b = [1] * (n - len(a)) + a, [1] * (n - len(b)) + b
        return tuple(y if x == 1 else x if y == 1 else (x if x is not None else y) for x, y in zip(a, b))

    def get_config(self):
        return {**super().get_config(), "op": self.op}


@keras.saving.register_keras_serializable(package="plexus")
class PlexusMatMul(keras.layers.Layer):
    def call(self, inputs):
        return ops.matmul(inputs[0], inputs[1])


@keras.saving.register_keras_serializable(package="plexus")
class PlexusReshape(keras.layers.Layer):
    """ops.reshape of the whole tensor (its batch dimension included, if it has one)."""

    def __init__(self, new_shape, **kwargs):
        super().__init__(**kwargs)
        self.new_shape = tuple(new_shape)

    def call(self, x):
        return ops.reshape(x, self.new_shape)

    def compute_output_shape(self, shape):
        known = 1
        for d in shape:
            known = None if d is None or known is None else known * d
        fixed = 1
        for d in self.new_shape:
            if d != -1:
                fixed *= d
        return tuple((known // fixed if known is not None else None) if d == -1 else d for d in self.new_shape)

    def get_config(self):
        return {**super().get_config(), "new_shape": list(self.new_shape)}


@keras.saving.register_keras_serializable(package="plexus")
class PlexusTranspose(keras.layers.Layer):
    def __init__(self, axes=None, **kwargs):
        super().__init__(**kwargs)
        self.axes = None if axes is None else tuple(axes)

    def call(self, x):
        return ops.transpose(x, self.axes)

    def compute_output_shape(self, shape):
        axes = self.axes if self.axes is not None else tuple(reversed(range(len(shape))))
        return tuple(shape[a] for a in axes)

    def get_config(self):
        return {**super().get_config(), "axes": None if self.axes is None else list(self.axes)}


@keras.saving.register_keras_serializable(package="plexus")
class PlexusReduce(keras.layers.Layer):
    def __init__(self, op, axes=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.op, self.keepdims = op, keepdims
        self.axes = None if axes is None else tuple(axes)

    def call(self, x):
        return (ops.sum if self.op == "sum" else ops.mean)(x, axis=self.axes, keepdims=self.keepdims)

    def compute_output_shape(self, shape):
        axes = range(len(shape)) if self.axes is None else [a % len(shape) for a in self.axes]
        if self.keepdims:
            return tuple(1 if i in axes else d for i, d in enumerate(shape))
        return tuple(d for i, d in enumerate(shape) if i not in axes)

    def get_config(self):
        return {**super().get_config(), "op": self.op, "keepdims": self.keepdims,
                "axes": None if self.axes is None else list(self.axes)}


@keras.saving.register_keras_serializable(package="plexus")
class PlexusConv(keras.layers.Layer):
    """conv(x, kernel): the kernel is an input, (kh, kw, in, out) for the batch or
    (batch, kh, kw, in, out) for one kernel per sample (a hypernetwork)."""

    def __init__(self, strides=(1, 1), padding="valid", dilation_rate=(1, 1), activation="linear",
                 use_bias=True, bias_initializer="zeros", **kwargs):
        super().__init__(**kwargs)
        self.strides, self.padding = tuple(strides), padding
        self.dilation_rate, self.activation = tuple(dilation_rate), activation
        self.use_bias, self.bias_initializer = use_bias, bias_initializer

    def build(self, shapes):
        if self.use_bias:
            self.bias = self.add_weight(shape=(shapes[1][-1],), initializer=self.bias_initializer, name="bias")

    def call(self, inputs):
        x, kernel = inputs
        conv = lambda image, k: ops.conv(image, k, strides=self.strides, padding=self.padding,
                                         dilation_rate=self.dilation_rate)
        if len(kernel.shape) == 5:
            y = ops.vectorized_map(lambda pair: conv(pair[0][None], pair[1])[0], (x, kernel))
        else:
            y = conv(x, kernel)
        if self.use_bias:
            y = y + self.bias
        f = _activation(self.activation)
        return f(y) if f else y

    def compute_output_shape(self, shapes):
        x, k = shapes
        kh, kw, _, out = k[-4:]
        size = []
        for n, kk, s, d in zip(x[1:3], (kh, kw), self.strides, self.dilation_rate):
            if n is None:
                size.append(None)
            elif self.padding == "same":
                size.append((n + s - 1) // s)
            else:
                size.append((n - (kk - 1) * d - 1) // s + 1)
        batch = x[0] if x[0] is not None else (k[0] if len(k) == 5 else None)
        return (batch, size[0], size[1], out)

    def get_config(self):
        return {**super().get_config(), "strides": list(self.strides), "padding": self.padding,
                "dilation_rate": list(self.dilation_rate), "activation": self.activation,
                "use_bias": self.use_bias, "bias_initializer": self.bias_initializer}
"""#
