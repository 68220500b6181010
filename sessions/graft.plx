# How do I stack two CNNs: the front of one, an adaptation module, the back of another?
#
# MobileNet up to conv_pad_6, whose output is (29, 29, 256), then an adapter, then
# InceptionResNetV2 from one of its 17x17 stages on. First the seed's mistake, then a wrong
# adapter, then the right one.
:load zoo/mobilenet.plx
:load zoo/inception_resnet_v2.plx

front = slice(mobilenet, to: "conv_pad_6")
front.outputs

# The mistake: cutting InceptionResNetV2 at a layer as if the model were a list. Inside an
# Inception block other branches run beside batch_normalization_157, so "everything after it"
# would leave them without input. The error names them and the nearest places that ARE cuts
# (shown on purpose: `try` prints the error and the script goes on).
try { back = slice(inception_resnet_v2, from: "batch_normalization_157") }

# The valid cut points of a region, from cuts(): between residual blocks, one tensor carries
# everything.
back = slice(inception_resnet_v2, from: "block17_10_ac")
back.inputs

# A wrong adapter: a 1x1 convolution to 1,088 channels and a stride-2 pooling give 14x14, and
# the back half expects 17x17.
image = input(224, 224, 3, name: "image")
h = front(image)
wrong = h |> conv2d(1088, 1, activation: relu, name: "adapt_conv") |> maxpool(3, strides: 2, name: "adapt_pool")
wrong.shape
try { y = back(wrong) }

# The right adapter pads 29 to 35 first: (35 - 3) / 2 + 1 = 17.
a = h |> zero_padding2d(3, name: "adapt_pad") |> conv2d(1088, 1, activation: relu, name: "adapt_conv_1")
a = a |> maxpool(3, strides: 2, name: "adapt_pool_1")
a.shape
hybrid = model(image, back(a), name: "hybrid")
hybrid

# Transfer learning: freeze both donors, train only the adapter.
freeze(front); freeze(back)
summary(hybrid)

# One forward pass on one image.
p = hybrid(randn(1, 224, 224, 3))
p.shape
