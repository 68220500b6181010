# ResNet50 (He et al., 2015), as keras.applications.ResNet50(weights=None) builds it: a 7x7 stem,
# then four stages of bottleneck blocks (1x1 reduce, 3x3, 1x1 expand, with a shortcut added back).
# Keras reports 25,636,712 parameters, 53,120 of them non-trainable: the BatchNorm moving statistics.

# One bottleneck block. The first block of a stage projects its shortcut with a 1x1 convolution.
def bottleneck(x, filters, name, stride: 1, conv_shortcut: true) {
  shortcut = x
  if conv_shortcut {
    shortcut = x |> conv2d(4 * filters, 1, strides: stride, name: name + "_0_conv")
    shortcut = shortcut |> batchnorm(epsilon: 1.001e-5, name: name + "_0_bn")
  }
  y = x |> conv2d(filters, 1, strides: stride, name: name + "_1_conv")
  y = y |> batchnorm(epsilon: 1.001e-5, name: name + "_1_bn") |> relu(name: name + "_1_relu")
  y = y |> conv2d(filters, 3, padding: "same", name: name + "_2_conv")
  y = y |> batchnorm(epsilon: 1.001e-5, name: name + "_2_bn") |> relu(name: name + "_2_relu")
  y = y |> conv2d(4 * filters, 1, name: name + "_3_conv")
  y = y |> batchnorm(epsilon: 1.001e-5, name: name + "_3_bn")
  return add(shortcut, y, name: name + "_add") |> relu(name: name + "_out")
}

# A stage: one projecting block, then blocks that add their input back unchanged.
def stage(x, filters, blocks, name, stride: 2) {
  x = bottleneck(x, filters, name + "_block1", stride: stride)
  for i in 2..blocks {
    x = bottleneck(x, filters, name + "_block" + str(i), conv_shortcut: false)
  }
  return x
}

image = input(224, 224, 3)
x = image |> zero_padding2d(3, name: "conv1_pad") |> conv2d(64, 7, strides: 2, name: "conv1_conv")
x = x |> batchnorm(epsilon: 1.001e-5, name: "conv1_bn") |> relu(name: "conv1_relu")
x = x |> zero_padding2d(1, name: "pool1_pad") |> maxpool(3, strides: 2, name: "pool1_pool")
x = stage(x, 64, 3, "conv2", stride: 1)
x = stage(x, 128, 4, "conv3")
x = stage(x, 256, 6, "conv4")
x = stage(x, 512, 3, "conv5")
x = x |> global_avg_pool(name: "avg_pool") |> dense(1000, activation: softmax, name: "predictions")
resnet50 = model(image, x, name: "resnet50")

summary(resnet50)
params(resnet50)
params(resnet50, trainable: false)
