# How do I build a kernel as W = sum_i a_i b_i, train only the a_i, and verify the basis stays fixed?
#
# 64 filters of 11x11 over one channel, each a combination of 10 fixed basis images b_i (here the
# 10 lowest-frequency 2-D DCT patterns) with trainable coefficients a (64, 1, 10).
:seed 11

# The basis: b_pq(u, v) = cos(pi (2u + 1) p / 22) cos(pi (2v + 1) q / 22) for p + q <= 3.
frequencies = [(0, 0), (0, 1), (1, 0), (0, 2), (1, 1), (2, 0), (0, 3), (1, 2), (2, 1), (3, 0)]
planes = []
for f in frequencies {
  plane = []
  for u in 0..10 {
    row = []
    for v in 0..10 {
      row = row + [cos(pi * (2 * u + 1) * f[0] / 22) * cos(pi * (2 * v + 1) * f[1] / 22)]
    }
    plane = plane + [row]
  }
  planes = planes + [plane]
}
b = constant(tensor(planes), name: "b")     # frozen: 1,210 values
b.shape
a = weight(64, 1, 10, name: "a")            # trainable: 640 coefficients

# W_o = sum_i a_oi b_i, then laid out as a convolution kernel (kh, kw, in, out).
w = sum(reshape(a, 64, 10, 1, 1) * b, axis: 1)
kernel = reshape(transpose(w, 1, 2, 0), 11, 11, 1, 64)
kernel.shape

x = input(8, 8, 1)
basis_conv = model(x, conv(x, kernel, padding: "same"), name: "basis_conv")
summary(basis_conv)
params(basis_conv, trainable: true)     # 640 coefficients + 64 biases
params(basis_conv, trainable: false)    # the basis

# A digit classifier on top, to have something to train.
clf = model(x, basis_conv(x) |> relu |> gap() |> dense(10, activation: softmax), name: "clf")
compile(clf, loss: "sparse_categorical_crossentropy", optimizer: adam(0.01), metrics: ["accuracy"])
before = snapshot(basis_conv)
step(clf, digits(), batch: 64, steps: 10)

# The verification: a moved, b did not.
changed(before, basis_conv)
