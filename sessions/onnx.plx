# How do I run a model designed here in ONNX Runtime (or PyTorch, TensorRT, a browser)?
#
# export_onnx writes an ONNX file (opset 17): inputs and outputs named after the model's, the batch
# dimension symbolic so one file runs at any batch size, nested models inlined, a shared weight
# stored once. The files go to .build/ (ignored by git); `make onnx-check` runs such files in
# ONNX Runtime and compares them with Plexus.
:seed 3

# The siamese network: the feature model is called twice but stored once. 16 initializers for
# 16 unique weights, and the file's size is the parameter count times 4 bytes.
x = input(28, 28, 1)
h = x |> conv2d(24, 3, padding: "same", activation: relu) |> maxpool(3)
h = h |> conv2d(64, 3, padding: "same", activation: relu)
h = h |> conv2d(96, 3, activation: relu) |> conv2d(96, 3, activation: relu)
feature = model(x, h |> flatten() |> dense(512, activation: relu), name: "feature")
a = input(28, 28, 1, name: "left"); b = input(28, 28, 1, name: "right")
y = concat(feature(a), feature(b)) |> dense(1024, activation: relu) |> dense(1024, activation: relu)
siamese = model([a, b], y |> dense(2, activation: softmax, name: "same_digit"), name: "siamese")
params(siamese)
len(siamese.weights)
export_onnx(siamese, ".build/sessions/onnx/siamese.onnx")

# A hypernetwork: each image convolved with the kernel its template generated. ONNX's Conv needs
# one constant kernel, so the export takes the image's patches with a fixed one-hot convolution
# and multiplies them by each sample's kernel (a batched MatMul): any batch size works.
image = input(24, 24, 1, name: "image"); template = input(5, 5, 1, name: "template")
k = template |> conv2d(16, 3, padding: "same", activation: relu) |> gap() |> dense(72) |> reshape(3, 3, 1, 8)
hy = conv(image, k, padding: "same") |> relu |> conv2d(1, 3, padding: "same", activation: sigmoid, name: "where")
hyper = model([image, template], hy, name: "hyper")
export_onnx(hyper, ".build/sessions/onnx/hyper.onnx", test_inputs: [[randn(2, 24, 24, 1), randn(2, 5, 5, 1)]])

# A kernel built as W = sum_i a_i b_i: exported as the expression (a and b stay separate, so a
# trainer can still train a with b fixed), or folded to the kernel's value.
coeffs = weight(8, 1, 4, name: "coeffs")
basis = weight(4, 5, 5, trainable: false, name: "basis")
w = sum(reshape(coeffs, 8, 4, 1, 1) * basis, axis: 1)
kernel = reshape(transpose(w, 1, 2, 0), 5, 5, 1, 8)
img = input(16, 16, 1, name: "img")
basis_conv = model(img, conv(img, kernel, padding: "same", name: "basis_conv2d"), name: "basis_conv")
export_onnx(basis_conv, ".build/sessions/onnx/basis.onnx")
export_onnx(basis_conv, ".build/sessions/onnx/basis_folded.onnx", fold_weights: true)

# A layer without an ONNX form is refused by name, before anything is written.
up = model(img, img |> upsampling2d(2, interpolation: "bilinear", name: "smooth_up"), name: "up")
try { export_onnx(up, ".build/sessions/onnx/up.onnx") }
