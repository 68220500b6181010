#: lesson A kernel from a frozen basis: W = sum a_i b_i, and proof that only a moves
# A convolution kernel need not be a weight of its own: it can be any expression of weights.
# Here each of 8 filters of 5x5 is a combination of 4 fixed basis images b_i with trainable
# coefficients a. Training must move a and leave the basis b exactly as it was.

#: step Coefficients and a frozen basis
# weight(...) makes a free weight; trainable: false freezes it.
#: run
:seed 11
a = weight(8, 1, 4, name: "a")
b = weight(4, 5, 5, trainable: false, name: "b")
#: task Make `kernel`, the sum over i of a_oi b_i laid out as a convolution kernel of shape
# (5, 5, 1, 8): w = sum(reshape(a, 8, 4, 1, 1) * b, axis: 1) has shape (8, 5, 5), then
# reshape(transpose(w, 1, 2, 0), 5, 5, 1, 8).
#: hint reshape(a, 8, 4, 1, 1) * b broadcasts to (8, 4, 5, 5); summing axis 1 adds up the basis images.
#: hint w = sum(reshape(a, 8, 4, 1, 1) * b, axis: 1), then kernel = reshape(transpose(w, 1, 2, 0), 5, 5, 1, 8)
#: answer
w = sum(reshape(a, 8, 4, 1, 1) * b, axis: 1)
kernel = reshape(transpose(w, 1, 2, 0), 5, 5, 1, 8)
#: check
if not defined("kernel") { return none }
if kernel.shape == (5, 5, 1, 8) { return true }
return "kernel has shape " + str(kernel.shape) + "; a convolution kernel is (height, width, in, out) = (5, 5, 1, 8)"

#: step A convolution with that kernel
#: run
x = input(8, 8, 1)
#: task Build the model `basis_conv` from x to conv(x, kernel, padding: "same"). It has 40
# trainable parameters (a's 32 and 8 biases) and 100 frozen ones (b).
#: hint basis_conv = model(x, conv(x, kernel, padding: "same"))
#: answer
basis_conv = model(x, conv(x, kernel, padding: "same"), name: "basis_conv")
#: check
if not defined("basis_conv") { return none }
if not is_model(basis_conv) { return "basis_conv is " + str(basis_conv) + ", not a model" }
frozen = params(basis_conv, trainable: false)
if frozen == 0 { return "basis_conv has no frozen parameters: its kernel must be built from the basis b" }
if frozen != 100 { return "basis_conv has " + str(frozen) + " frozen parameters, not b's 100" }
if params(basis_conv, trainable: true) != 40 { return "basis_conv has " + str(params(basis_conv, trainable: true)) + " trainable parameters, not 40 (a's 32 and the convolution's 8 biases)" }
return true

#: step Something to train
# A small digit classifier on top, compiled, and 256 of the bundled digits.
#: run
clf = model(x, basis_conv(x) |> relu |> gap() |> dense(10, activation: softmax), name: "clf")
compile(clf, loss: "sparse_categorical_crossentropy", optimizer: adam(0.01))
data = digits()[0..255]

#: step Proof by snapshot
#: task Take `before = snapshot(basis_conv)`, then train clf for a few steps with
# step(clf, data, steps: 3). The check looks at what moved.
#: hint snapshot(m) keeps the current values of m's weights; step(...) trains.
#: hint before = snapshot(basis_conv), then step(clf, data, steps: 3)
#: answer
before = snapshot(basis_conv)
step(clf, data, steps: 3)
#: check
if not defined("before") { return none }
m = moved(before, basis_conv)
if len(m) == 0 { return none }
for p in m {
  if p == "b" { return "the basis b moved: it must stay frozen; freeze(b) and start again from a snapshot" }
}
a_moved = false
for p in m { if p == "a" { a_moved = true } }
if not a_moved { return "a did not move: is it still trainable? unfreeze(a)" }
return true

#: step What changed
# changed shows every weight of basis_conv: a and the biases moved, b is unchanged, exactly.
#: run
changed(before, basis_conv)
