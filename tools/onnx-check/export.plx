# make onnx-check, step 1: builds each model the check covers, exports it to
# .build/onnx-check/NAME/model.onnx with test inputs at batch sizes 1, 3 and 8, and Plexus's
# outputs as the expected ones (ONNX's test_data_set_N layout). Step 2, check.py, runs the files in
# ONNX Runtime. Run from the repository's root by the release binary (the zoo is large).
:seed 1
out = ".build/onnx-check/"
def images(h, w, c) { return [randn(1, h, w, c), randn(3, h, w, c), randn(8, h, w, c)] }

# A zoo model's 1000-way softmax of random weights is close to uniform, which would hide errors,
# so its export also outputs inner tensors (probes, checked relative to their size) besides the
# predictions.
def probed(m, names) {
  outs = []
  for n in names { outs = outs + [m[n].output] }
  return model(m.inputs[0], outs + m.outputs, name: m.name + "_probed")
}

# The zoo.
:load sessions/zoo/vgg16.plx
export_onnx(probed(vgg16, ["block1_conv2", "block3_conv3", "block5_pool", "fc2"]), out + "vgg16/model.onnx", test_inputs: images(224, 224, 3))
:load sessions/zoo/resnet50.plx
export_onnx(probed(resnet50, ["conv1_relu", "conv2_block3_out", "conv4_block6_out", "avg_pool"]), out + "resnet50/model.onnx", test_inputs: images(224, 224, 3))
:load sessions/zoo/mobilenet.plx
export_onnx(probed(mobilenet, ["conv1_relu", "conv_pw_6_relu", "conv_pw_13_relu", "conv_preds"]), out + "mobilenet/model.onnx", test_inputs: images(224, 224, 3))
:load sessions/zoo/inception_resnet_v2.plx
export_onnx(probed(inception_resnet_v2, ["mixed_5b", "mixed_6a", "mixed_7a", "conv_7b_ac", "avg_pool"]), out + "inception_resnet_v2/model.onnx", test_inputs: images(299, 299, 3))

# The siamese network of sessions/siamese.plx: one feature model called on both images.
x = input(28, 28, 1)
h = x |> conv2d(24, 3, padding: "same", activation: relu) |> maxpool(3)
h = h |> conv2d(64, 3, padding: "same", activation: relu)
h = h |> conv2d(96, 3, activation: relu) |> conv2d(96, 3, activation: relu)
feature = model(x, h |> flatten() |> dense(512, activation: relu), name: "feature")
left = input(28, 28, 1, name: "left"); right = input(28, 28, 1, name: "right")
y = concat(feature(left), feature(right)) |> dense(1024, activation: relu) |> dense(1024, activation: relu)
siamese = model([left, right], y |> dense(2, activation: softmax), name: "siamese")
pairs_of = [[randn(1, 28, 28, 1), randn(1, 28, 28, 1)], [randn(3, 28, 28, 1), randn(3, 28, 28, 1)], [randn(8, 28, 28, 1), randn(8, 28, 28, 1)]]
export_onnx(siamese, out + "siamese/model.onnx", test_inputs: pairs_of)

# The hypernetwork of sessions/hypernetwork.plx: a kernel per sample.
image = input(24, 24, 1, name: "image"); template = input(5, 5, 1, name: "template")
k = template |> conv2d(16, 3, padding: "same", activation: relu) |> conv2d(32, 3, padding: "same", activation: relu)
k = k |> gap() |> dense(72) |> reshape(3, 3, 1, 8)
hy = conv(image, k, padding: "same") |> relu |> conv2d(1, 3, padding: "same", activation: sigmoid)
hyper = model([image, template], hy, name: "hyper")
export_onnx(hyper, out + "hypernetwork/model.onnx", test_inputs: [[randn(1, 24, 24, 1), randn(1, 5, 5, 1)], [randn(3, 24, 24, 1), randn(3, 5, 5, 1)], [randn(8, 24, 24, 1), randn(8, 5, 5, 1)]])

# The basis convolution of sessions/basis_conv.plx, as the expression and folded.
a = weight(64, 1, 10, name: "a")
b = weight(10, 11, 11, trainable: false, name: "b")
w = sum(reshape(a, 64, 10, 1, 1) * b, axis: 1)
kernel = reshape(transpose(w, 1, 2, 0), 11, 11, 1, 64)
xb = input(28, 28, 1)
basis_conv = model(xb, conv(xb, kernel, padding: "same"), name: "basis_conv")
export_onnx(basis_conv, out + "basis_conv/model.onnx", test_inputs: images(28, 28, 1))
export_onnx(basis_conv, out + "basis_conv_folded/model.onnx", fold_weights: true, test_inputs: images(28, 28, 1))

# A model after to_fully_conv (sessions/fully_conv.plx): inputs of any height and width.
xf = input(8, 8, 1)
hf = xf |> conv2d(16, 3, activation: relu) |> maxpool(2) |> flatten()
cnn = model(xf, hf |> dense(32, activation: relu) |> dense(10, activation: softmax), name: "cnn")
fc = to_fully_conv(cnn)
export_onnx(fc, out + "fully_conv/model.onnx", test_inputs: [randn(1, 8, 8, 1), randn(3, 16, 12, 1), randn(8, 8, 8, 1)])
export_onnx(cnn, out + "flatten_dense/model.onnx", test_inputs: images(8, 8, 1))

# The graft hybrid of sessions/graft.plx: MobileNet's front, an adapter, InceptionResNetV2's back
# (with the front's and the adapter's outputs as probes).
front = slice(mobilenet, to: "conv_pad_6")
back = slice(inception_resnet_v2, from: "block17_10_ac")
gi = input(224, 224, 3, name: "image")
gf = front(gi)
ga = gf |> zero_padding2d(3, name: "adapt_pad") |> conv2d(1088, 1, activation: relu, name: "adapt_conv")
ga = ga |> maxpool(3, strides: 2, name: "adapt_pool")
hybrid = model(gi, [gf, ga, back(ga)], name: "hybrid")
export_onnx(hybrid, out + "graft_hybrid/model.onnx", test_inputs: images(224, 224, 3))

# The rest of the layer table: layers the zoo does not use.
xl = input(12, 10, 3, name: "pixels")
l1 = xl |> rescaling(0.5, offset: 0.1) |> separable_conv2d(8, 3, padding: "same", activation: gelu)
# Padded on two sides and cropped on the other two: the same size, shifted (ONNX Pad and Slice).
l1 = l1 |> zero_padding2d(((2, 0), (1, 1))) |> cropping2d(((0, 2), (2, 0)))
l2 = xl |> depthwise_conv2d(3, depth_multiplier: 2, strides: 2, padding: "same", activation: silu)
l2 = l2 |> conv2d_transpose(8, 3, strides: 2, padding: "same", activation: elu)
l3 = xl |> conv2d(8, 2, strides: 2, activation: leaky_relu) |> upsampling2d(2)
l3 = l3 |> conv2d_transpose(8, 2, strides: 3, activation: tanh) |> avgpool(3, strides: 3, padding: "same")
m1 = add(l1, l2); m2 = subtract(l1, l3); m3 = maximum(l2, l3); m4 = minimum(l1, l2)
mm = multiply(average(m1, m2, m3), m4)
mm = concat(mm, l1 |> avgpool(3, strides: 1, padding: "same"), axis: 3) |> batchnorm()
g1 = mm |> global_max_pool() |> dense(6, activation: sigmoid)
s1 = mm |> permute(2, 1, 3) |> reshape(10, 192) |> layernorm() |> dense(5, activation: softplus) |> batchnorm() |> flatten()
layers = model(xl, concat(g1, s1) |> dropout(0.5) |> dense(4, activation: softmax), name: "layers")
export_onnx(layers, out + "layers/model.onnx", test_inputs: images(12, 10, 3))

# One weight used in two layouts (a Conv's kernel and a factor of an expression): stored once, the
# second layout derived by nodes.
wk = weight(3, 3, 3, 4, name: "shared_kernel")
xs = input(8, 6, 3, name: "scene")
two = model(xs, add(conv(xs, wk, padding: "same"), conv(xs, wk * wk, strides: 2, padding: "same") |> upsampling2d(2)), name: "two_layouts")
export_onnx(two, out + "two_layouts/model.onnx", test_inputs: images(8, 6, 3))
