# Inception-ResNet-v2 (Szegedy et al., 2016), as keras.applications.InceptionResNetV2(weights=None)
# builds it: an Inception stem, then 10 + 20 + 10 residual Inception blocks (block35, block17, block8)
# with reduction blocks between them. 782 layers; Keras reports 55,873,736 parameters, 60,544 of
# them non-trainable.
#
# Most layers have no name of their own, so they take Keras's automatic names (conv2d_17,
# batch_normalization_157, ...). This script creates them in the order Keras's code does, so the
# names match: the graft scenario cuts this network at batch_normalization_157.
# Keras scales each residual branch with a weightless CustomScaleLayer (x + scale * r); here that is
# a Rescaling of the branch and an Add.

# Keras's conv2d_bn: a convolution, BatchNorm without scale (when there is no bias), an activation.
def conv_bn(x, filters, kernel, strides: 1, padding: "same", activation: relu, use_bias: false, name: none) {
  x = x |> conv2d(filters, kernel, strides: strides, padding: padding, use_bias: use_bias, name: name)
  if not use_bias {
    bn_name = none
    if name != none { bn_name = name + "_bn" }
    x = x |> batchnorm(scale: false, name: bn_name)
  }
  if activation != none {
    ac_name = none
    if name != none { ac_name = name + "_ac" }
    x = x |> activation(name: ac_name)
  }
  return x
}

# A residual Inception block: parallel branches, concatenated, projected back to the input's
# channels by a 1x1 convolution, scaled and added to the input.
def residual_block(x, scale, type, index, activation: relu) {
  name = type + "_" + str(index)
  if type == "block35" {
    b0 = conv_bn(x, 32, 1)
    b1 = conv_bn(x, 32, 1)
    b1 = conv_bn(b1, 32, 3)
    b2 = conv_bn(x, 32, 1)
    b2 = conv_bn(b2, 48, 3)
    b2 = conv_bn(b2, 64, 3)
    branches = [b0, b1, b2]
  } else if type == "block17" {
    b0 = conv_bn(x, 192, 1)
    b1 = conv_bn(x, 128, 1)
    b1 = conv_bn(b1, 160, (1, 7))
    b1 = conv_bn(b1, 192, (7, 1))
    branches = [b0, b1]
  } else {
    b0 = conv_bn(x, 192, 1)
    b1 = conv_bn(x, 192, 1)
    b1 = conv_bn(b1, 224, (1, 3))
    b1 = conv_bn(b1, 256, (3, 1))
    branches = [b0, b1]
  }
  mixed = concat(branches, axis: 3, name: name + "_mixed")
  up = conv_bn(mixed, x.shape[3], 1, activation: none, use_bias: true, name: name + "_conv")
  x = add(x, up |> rescaling(scale))
  if activation != none { x = x |> activation(name: name + "_ac") }
  return x
}

image = input(299, 299, 3)

# Stem.
x = conv_bn(image, 32, 3, strides: 2, padding: "valid")
x = conv_bn(x, 32, 3, padding: "valid")
x = conv_bn(x, 64, 3)
x = x |> maxpool(3, strides: 2)
x = conv_bn(x, 80, 1, padding: "valid")
x = conv_bn(x, 192, 3, padding: "valid")
x = x |> maxpool(3, strides: 2)

# Mixed 5b (Inception-A): 35 x 35 x 320.
b0 = conv_bn(x, 96, 1)
b1 = conv_bn(x, 48, 1)
b1 = conv_bn(b1, 64, 5)
b2 = conv_bn(x, 64, 1)
b2 = conv_bn(b2, 96, 3)
b2 = conv_bn(b2, 96, 3)
bp = x |> avgpool(3, strides: 1, padding: "same")
bp = conv_bn(bp, 64, 1)
x = concat(b0, b1, b2, bp, axis: 3, name: "mixed_5b")

for i in 1..10 { x = residual_block(x, 0.17, "block35", i) }

# Mixed 6a (Reduction-A): 17 x 17 x 1088.
b0 = conv_bn(x, 384, 3, strides: 2, padding: "valid")
b1 = conv_bn(x, 256, 1)
b1 = conv_bn(b1, 256, 3)
b1 = conv_bn(b1, 384, 3, strides: 2, padding: "valid")
bp = x |> maxpool(3, strides: 2)
x = concat(b0, b1, bp, axis: 3, name: "mixed_6a")

for i in 1..20 { x = residual_block(x, 0.1, "block17", i) }

# Mixed 7a (Reduction-B): 8 x 8 x 2080.
b0 = conv_bn(x, 256, 1)
b0 = conv_bn(b0, 384, 3, strides: 2, padding: "valid")
b1 = conv_bn(x, 256, 1)
b1 = conv_bn(b1, 288, 3, strides: 2, padding: "valid")
b2 = conv_bn(x, 256, 1)
b2 = conv_bn(b2, 288, 3)
b2 = conv_bn(b2, 320, 3, strides: 2, padding: "valid")
bp = x |> maxpool(3, strides: 2)
x = concat(b0, b1, b2, bp, axis: 3, name: "mixed_7a")

for i in 1..9 { x = residual_block(x, 0.2, "block8", i) }
x = residual_block(x, 1.0, "block8", 10, activation: none)

x = conv_bn(x, 1536, 1, name: "conv_7b")
x = x |> global_avg_pool(name: "avg_pool") |> dense(1000, activation: softmax, name: "predictions")
inception_resnet_v2 = model(image, x, name: "inception_resnet_v2")

summary(inception_resnet_v2)
params(inception_resnet_v2)
params(inception_resnet_v2, trainable: false)
len(inception_resnet_v2.layers)
