#: lesson Dense layers as convolutions: to_fully_conv, equal outputs, and maps from larger images
# A Dense layer after a Flatten is a convolution as large as the map it flattens; the Dense
# layers after it are 1x1 convolutions. Converted so, a classifier accepts larger images and
# slides over them, returning a map of predictions. The conversion must not change what it
# computes on the original size: this lesson checks that it does not.

#: step A small classifier
# Trained for one epoch on 400 bundled digits (8x8), enough to have weights worth keeping.
#: run
:seed 21
data = digits()[0..399]
x = input(8, 8, 1)
h = x |> conv2d(8, 3, activation: relu) |> maxpool(2) |> flatten()
cnn = model(x, h |> dense(16, activation: relu) |> dense(10, activation: softmax), name: "cnn")
compile(cnn, loss: "sparse_categorical_crossentropy", optimizer: adam(0.01))
fit(cnn, data, epochs: 1, batch: 32)

#: step Convert it
#: task Make `fc`, cnn with its Flatten and Dense layers turned into convolutions. It keeps
# every parameter of cnn.
#: hint to_fully_conv(m) converts a model.
#: hint fc = to_fully_conv(cnn)
#: answer
fc = to_fully_conv(cnn)
#: check
if not defined("fc") { return none }
if not is_model(fc) { return "fc is " + str(fc) + ", not a model" }
for l in fc.layers {
  if l.type == "Dense" or l.type == "Flatten" { return "fc still has a " + l.type + " layer (" + l.name + "): convert cnn with to_fully_conv" }
}
if params(fc) != params(cnn) { return "fc has " + str(params(fc)) + " parameters and cnn " + str(params(cnn)) + ": the conversion keeps every one" }
return true
#: success
# The Dense after the Flatten became a 3x3 convolution over the 3x3x8 map, the last Dense a 1x1
# convolution, their weights reshaped, not drawn anew.

#: step The same outputs
#: task Run the same 16 digits through both models and put in `diff` the largest absolute
# difference between the two outputs (it should be float rounding, below 1e-5).
#: hint predict(m, data[0..15]) runs a model on 16 digits; max_abs_diff(p, q) compares two results of any shapes with as many values.
#: hint diff = max_abs_diff(predict(cnn, data[0..15]), predict(fc, data[0..15]))
#: answer
batch = data[0..15]
diff = max_abs_diff(predict(cnn, batch), predict(fc, batch))
#: check
if not defined("diff") { return none }
if str(diff) == diff { return "diff is a string; it should be the number max_abs_diff returns" }
if diff < 0.00001 { return true }
return "diff is " + str(diff) + ": compare the same digits through cnn and fc"

#: step A larger image gives a map
# On an 8x8 digit fc returns one prediction per image, shaped (1, 1, 10) per sample. On a larger
# image the same convolutions slide over it.
#: task Apply fc to a random 16x12 image, randn(1, 16, 12, 1), and put the result in `scores`:
# a map of 10 scores at each position, of shape (1, 5, 3, 10).
#: hint Call the model on a tensor: fc(t), or predict(fc, t).
#: hint scores = fc(randn(1, 16, 12, 1))
#: answer
scores = fc(randn(1, 16, 12, 1))
#: check
if not defined("scores") { return none }
s = shape(scores)
if len(s) != 4 { return "scores has shape " + str(s) + ": apply fc, the converted model, not cnn" }
if s[1] == 1 and s[2] == 1 { return "scores has shape " + str(s) + ": one window only; give fc a larger image, 16x12" }
if s[-1] != 10 { return "scores has shape " + str(s) + "; the last axis should hold the 10 classes" }
return true
#: success
# (1, 5, 3, 10): the classifier at 5 x 3 positions, every 2 pixels (the stride of its pooling).
