# MobileNet v1 (Howard et al., 2017), as keras.applications.MobileNet(alpha=1.0, weights=None) builds
# it: a strided 3x3 stem, then 13 depthwise-separable blocks (a 3x3 depthwise convolution and a 1x1
# pointwise one, each followed by BatchNorm and ReLU6). A block that halves the map first pads it by
# one pixel on the bottom and right (`conv_pad_N`), as Keras does.
# Keras reports 4,253,864 parameters, 21,888 of them non-trainable.

def separable_block(x, filters, stride, id) {
  n = str(id)
  padding = "same"
  if stride != 1 {
    x = x |> zero_padding2d(((0, 1), (0, 1)), name: "conv_pad_" + n)
    padding = "valid"
  }
  x = x |> depthwise_conv2d(3, strides: stride, padding: padding, use_bias: false, name: "conv_dw_" + n)
  x = x |> batchnorm(name: "conv_dw_" + n + "_bn") |> relu6(name: "conv_dw_" + n + "_relu")
  x = x |> conv2d(filters, 1, padding: "same", use_bias: false, name: "conv_pw_" + n)
  return x |> batchnorm(name: "conv_pw_" + n + "_bn") |> relu6(name: "conv_pw_" + n + "_relu")
}

image = input(224, 224, 3)
x = image |> conv2d(32, 3, strides: 2, padding: "same", use_bias: false, name: "conv1")
x = x |> batchnorm(name: "conv1_bn") |> relu6(name: "conv1_relu")

# (filters, stride) of the 13 blocks.
blocks = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
          (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1)]
id = 1
for b in blocks {
  x = separable_block(x, b[0], b[1], id)
  id = id + 1
}

x = x |> global_avg_pool(keepdims: true) |> dropout(0.001, name: "dropout")
x = x |> conv2d(1000, 1, padding: "same", name: "conv_preds") |> reshape(1000, name: "reshape_2")
x = x |> softmax(name: "predictions")
mobilenet = model(image, x, name: "mobilenet_1.00_224")

summary(mobilenet)
params(mobilenet)
params(mobilenet, trainable: false)
mobilenet["conv_pad_6"].output.shape
