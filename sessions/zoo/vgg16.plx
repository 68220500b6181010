# VGG16 (Simonyan & Zisserman, 2014), as keras.applications.VGG16(weights=None) builds it:
# five blocks of 3x3 "same" convolutions, each closed by a 2x2 max pooling, then three dense layers.
# Keras reports 138,357,544 parameters; the layer names are Keras's, so summaries line up.

def vgg_block(h, n, filters, convs) {
  for i in 1..convs {
    h = h |> conv2d(filters, 3, padding: "same", activation: relu, name: "block" + str(n) + "_conv" + str(i))
  }
  return h |> maxpool(2, strides: 2, name: "block" + str(n) + "_pool")
}

image = input(224, 224, 3)
h = vgg_block(image, 1, 64, 2)
h = vgg_block(h, 2, 128, 2)
h = vgg_block(h, 3, 256, 3)
h = vgg_block(h, 4, 512, 3)
h = vgg_block(h, 5, 512, 3)
h = h |> flatten(name: "flatten")
h = h |> dense(4096, activation: relu, name: "fc1") |> dense(4096, activation: relu, name: "fc2")
h = h |> dense(1000, activation: softmax, name: "predictions")
vgg16 = model(image, h, name: "vgg16")

# Defining and summarising allocates no weight storage: 138M parameters cost nothing until used.
summary(vgg16)
params(vgg16)
