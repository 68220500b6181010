#: lesson Generated weights: a hypernetwork, and gradients through the kernels it makes
# In a hypernetwork one branch computes the weights another branch uses. Here a template branch
# looks at a small template and makes a 3x3 convolution kernel for each sample; the image branch
# convolves its image with that sample's own kernel. The question: do gradients still reach the
# template branch, through kernels that are values and not weights?

#: step Data and inputs
# A synthetic task: 16x16 noise images with a 5x5 template pasted somewhere; the target marks
# where. Two inputs, one per branch.
#: run
:seed 7
data = template_matching(64, size: 16, template: 5)
image = input(16, 16, 1, name: "image")
template = input(5, 5, 1, name: "template")

#: step The template branch makes kernels
# conv(x, kernel) convolves with any tensor expression. A kernel of shape (3, 3, 1, 8) is shared
# by the whole batch; one of shape (None, 3, 3, 1, 8) has a kernel for each sample.
#: task Make `k` from template: conv2d(8, 3, activation: relu), then gap() (global average
# pooling), then dense(72), reshaped to 3x3x1x8, so that k.shape is (none, 3, 3, 1, 8).
#: hint 72 = 3 x 3 x 1 x 8: the dense layer's outputs, reshaped with reshape(3, 3, 1, 8).
#: hint k = template |> conv2d(8, 3, activation: relu) |> gap() |> dense(72) |> reshape(3, 3, 1, 8)
#: answer
k = template |> conv2d(8, 3, activation: relu) |> gap() |> dense(72) |> reshape(3, 3, 1, 8)
#: check
if not defined("k") { return none }
if k.shape == (none, 3, 3, 1, 8) { return true }
return "k has shape " + str(k.shape) + "; a kernel per sample has shape (none, 3, 3, 1, 8): end with dense(72) |> reshape(3, 3, 1, 8)"

#: step The image branch uses them
#: task Build `hyper`: conv(image, k, padding: "same") |> relu, then conv2d(1, 3, padding:
# "same", activation: sigmoid); a model from [image, template], whose output is (none, 16, 16, 1).
#: hint The model needs both inputs: model([image, template], y).
#: hint y = conv(image, k, padding: "same") |> relu |> conv2d(1, 3, padding: "same", activation: sigmoid), then hyper = model([image, template], y)
#: answer
y = conv(image, k, padding: "same") |> relu |> conv2d(1, 3, padding: "same", activation: sigmoid)
hyper = model([image, template], y, name: "hyper")
#: check
if not defined("hyper") { return none }
if not is_model(hyper) { return "hyper is " + str(hyper) + ", not a model" }
if len(hyper.inputs) != 2 { return "hyper has " + str(len(hyper.inputs)) + " input(s): the template must be one too, model([image, template], y)" }
if shape(hyper) != (none, 16, 16, 1) { return "hyper's output has shape " + str(shape(hyper)) + ", not (none, 16, 16, 1): padding: \"same\" keeps 16x16, and one filter with a sigmoid makes the map" }
return true
#: success
# Only the template branch and the last conv2d have weights of their own: the convolution of the
# image takes its kernel from k.

#: step Gradients through generated kernels
# grads computes the loss on one batch and shows the gradient of every weight, changing nothing.
# The template branch's layers (the conv2d and the dense before the reshape) get gradients,
# although no convolution of the image uses them as weights: the gradient flows through k.
#: run
compile(hyper, loss: "binary_crossentropy", optimizer: adam(0.001))
grads(hyper, data, batch: 16)

#: step Freezing stops learning, not the gradient
#: task Freeze the dense layer that makes the kernels (the layer of hyper whose type is "Dense").
#: hint hyper.layers lists the layers; freeze(layer) stops it learning.
#: hint for l in hyper.layers { if l.type == "Dense" { freeze(l) } }
#: answer
unfreeze(hyper)
for l in hyper.layers { if l.type == "Dense" { freeze(l) } }
#: check
found = false
dense_trainable = false
others = []
for l in hyper.layers {
  if l.type == "Dense" {
    found = true
    if l.trainable { dense_trainable = true }
  } else {
    if not l.trainable and l.params > 0 { others = others + [l.name] }
  }
}
if not found { return "hyper has no Dense layer: k should come from dense(72)" }
if dense_trainable and len(others) == 0 { return none }
if dense_trainable { return "you froze " + str(others) + ", and the Dense layer that makes the kernels still learns" }
if len(others) > 0 { return "the Dense layer is frozen, and so are " + str(others) + ": freeze only the Dense layer (unfreeze(l) undoes it)" }
return true

#: step What grads shows now
# The dense layer gets no gradient (frozen weights are not trained), yet the conv2d before it
# still does: the gradient passes through the frozen layer and the kernels it makes.
#: run
grads(hyper, data, batch: 16)
#: task How many weights of hyper still receive a gradient? Put the number in `flowing`.
#: hint Count the rows of the table with a gradient norm; frozen weights show none.
#: hint 7 weights, of which the dense layer's kernel and bias are frozen.
#: answer
flowing = 5
#: check
if not defined("flowing") { return none }
if flowing == len(reached(hyper, data)) { return true }
if flowing == len(hyper.weights) { return "flowing is " + str(flowing) + ", every weight of hyper: the frozen ones get no gradient" }
return "flowing is " + str(flowing) + "; count the weights with a gradient norm in the table"
#: success
# Five: the gradient reaches the template branch's conv2d through a frozen layer and through the
# kernels, which are values computed per sample, not weights.
