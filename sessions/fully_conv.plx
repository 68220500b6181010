# How do I turn Flatten + Dense into convolutions, and check that nothing changed?
#
# A classifier trained on 8x8 digits is converted with to_fully_conv: the Dense after the Flatten
# becomes a convolution as large as the flattened map, the next Dense a 1x1 convolution, their
# weights reshaped (not re-initialised). On an 8x8 digit both give the same outputs; on a larger
# image the converted one slides the classifier over it and returns a map of predictions.
:seed 21
train, test = split(digits(), 0.8, shuffle: true)

x = input(8, 8, 1)
h = x |> conv2d(16, 3, activation: relu) |> maxpool(2) |> flatten()
h = h |> dense(32, activation: relu) |> dense(10, activation: softmax)
cnn = model(x, h, name: "cnn")
summary(cnn)
compile(cnn, loss: "sparse_categorical_crossentropy", optimizer: adam(0.003), metrics: ["accuracy"])
fit(cnn, train, epochs: 5, batch: 32)

fc = to_fully_conv(cnn)
summary(fc)

# The same batch through both: the largest difference is float rounding.
batch = test[0..15]
a = predict(cnn, batch)
b = predict(fc, batch)
a.shape
b.shape
max_abs_diff(a, b)
max_abs_diff(a, b) < 1e-5

# A 16x12 image: the classifier applied at every 8x8 window (stride 2, from the pooling).
fc(randn(1, 16, 12, 1)).shape

# The same conversion of VGG16 keeps every one of its 138,357,544 parameters.
:load zoo/vgg16.plx
vgg16_fc = to_fully_conv(vgg16)
params(vgg16_fc)
vgg16_fc.outputs
