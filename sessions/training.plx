# Stepping training at the prompt: a digits MLP (64-128-10) trained on 80% of the bundled 8x8
# digits and checked on the other 20%. Seeded, so every replay on one machine prints the same numbers.
#
# The training figures may move a little with the BLAS kernels and thread count; the transcript
# test allows this much for them (all else stays exact):
#~ loss, val_loss within 5%
#~ accuracy, val_accuracy within 0.02
:seed 1
train, test = split(digits(), 0.8, shuffle: true)
train
x = input(8, 8, 1)
h = x |> flatten() |> dense(128, activation: relu) |> dense(10, activation: softmax)
mlp = model(x, h, name: "mlp")
compile(mlp, loss: "sparse_categorical_crossentropy", optimizer: adam(0.001), metrics: ["accuracy"])

# 30 epochs: the held-out accuracy passes 95%.
fit(mlp, train, epochs: 30, batch: 32, validation: test)
test_loss = evaluate(mlp, test)
history(mlp)

# Which weights does a training step move, and how far? Freeze the first layer and look.
freeze(mlp["dense"])
before = snapshot(mlp)
step(mlp, train, batch: 32, steps: 3)
changed(before, mlp)
grads(mlp, test)

# Predictions on a few held-out digits: the most likely class of each.
p = predict(mlp, test)
p.shape
