# A learner who answers every task of the basis lesson correctly: the kernel as a matrix product.
:learn basis restart
kernel = reshape(transpose(matmul(reshape(a, 8, 4), reshape(b, 4, 25))), 5, 5, 1, 8)
basis_conv = model(x, conv(x, kernel, padding: "same"))
before = snapshot(basis_conv)
step(clf, data, batch: 64, steps: 2)
