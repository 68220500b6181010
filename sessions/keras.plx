# A model from Keras, cut and grafted at the prompt, and taken back to Keras.
#
# data/keras/sequential_cnn.keras was written by Keras 3 itself (scripts/keras_fixtures.py): a small
# CNN for 12x12 colour images and 3 classes, random weights. Plexus reads the .keras file (the zip of
# config.json and model.weights.h5), keeps Keras's layer names, and writes a .keras file that
# keras.saving.load_model opens (make keras-check loads what save_keras writes, in Keras).
:seed 3

cnn = load_keras("data/keras/sequential_cnn.keras")
summary(cnn)

# Keep the convolutional trunk, up to and including the flatten; freeze it; graft a new head for
# 5 classes on it. Only the head's weights will train.
trunk = slice(cnn, to: "flatten")
freeze(trunk)
x = input(12, 12, 3, name: "image")
y = trunk(x) |> dense(16, activation: relu, name: "new_hidden") |> dense(5, activation: softmax, name: "new_classes")
grafted = model(x, y, name: "grafted")
summary(grafted)
params(grafted, trainable: true)

# The trunk computes what the Keras model computed up to its flatten.
probe = randn(2, 12, 12, 3)
max_abs_diff(trunk(probe), slice(cnn, to: "flatten")(probe))

# Back to Keras: the same names, counts and outputs when read again.
save_keras(grafted, "grafted.keras")
back = load_keras("grafted.keras")
params(back) == params(grafted)
params(back, trainable: false) == params(grafted, trainable: false)
max_abs_diff(predict(back, probe), predict(grafted, probe))

# What Plexus refuses, it refuses whole: nothing is bound to `broken`.
save_npy(probe, "probe.npy")
try { broken = load_keras("probe.npy") }
try { broken = load_keras("no_such_model.keras") }
try { save_keras(grafted, "no_such_folder/grafted.keras") }
try { broken }
