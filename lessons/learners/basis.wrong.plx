# A learner who goes wrong in the basis lesson: a kernel of the wrong layout, a model without the
# basis, a basis that is not frozen.
:learn basis restart
kernel = sum(reshape(a, 8, 4, 1, 1) * b, axis: 1)
kernel = reshape(kernel, 8, 5, 5, 1)
:skip
basis_conv = model(x, x |> conv2d(8, 5, padding: "same"))
basis_conv = model(x, conv(x, kernel, padding: "same"))
unfreeze(b)
before = snapshot(basis_conv)
step(clf, data, steps: 2)
freeze(b)
before = snapshot(basis_conv)
step(clf, data, steps: 2)
