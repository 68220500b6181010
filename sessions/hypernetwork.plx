# Do gradients still flow through generated weights?
#
# A hypernetwork for template matching: the template branch looks at a small template and
# generates a 3x3 convolution kernel with 8 filters for EACH sample; the image branch convolves its
# image with that sample's own kernel (Keras's K.conv2d in a Lambda cannot do this per sample),
# then a static convolution and a sigmoid turn it into a map of where the template is.
:seed 7

data = template_matching(256, size: 24, template: 5)
data
train, test = split(data, 0.75)

image = input(24, 24, 1, name: "image")
template = input(5, 5, 1, name: "template")

# The template branch: convolutions, global average pooling, a dense layer whose 72 outputs are
# reshaped into one (3, 3, 1, 8) kernel per sample.
k = template |> conv2d(16, 3, padding: "same", activation: relu) |> conv2d(32, 3, padding: "same", activation: relu)
k = k |> gap() |> dense(72) |> reshape(3, 3, 1, 8)
k.shape

# The image branch: each sample convolved with its own generated kernel.
y = conv(image, k, padding: "same") |> relu
y = y |> conv2d(1, 3, padding: "same", activation: sigmoid)
hyper = model([image, template], y, name: "hyper")
summary(hyper)

compile(hyper, loss: "binary_crossentropy", optimizer: adam(0.001))

# Before training: every weight of the template branch (conv2d, conv2d_1, dense) receives a
# gradient, through the kernels it generates.
grads(hyper, train, batch: 16)

step(hyper, train, batch: 16, steps: 40)
evaluate(hyper, test)
grads(hyper, train, batch: 16)
