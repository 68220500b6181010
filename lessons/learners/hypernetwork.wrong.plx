# A learner who goes wrong in the hypernetwork lesson: a kernel that is not per sample, a model
# without the template input, a map of the wrong size, the wrong layers frozen.
:learn hypernetwork restart
k = template |> conv2d(8, 3) |> gap() |> dense(72)
k = reshape(weight(72), 3, 3, 1, 8)
:skip
y = conv(image, k, padding: "same") |> relu |> conv2d(1, 3, padding: "same", activation: sigmoid)
hyper = model(image, y)
hyper = model([image, template], conv(image, k) |> conv2d(1, 3, activation: sigmoid))
hyper = model([image, template], y)
freeze(hyper)
unfreeze(hyper)
freeze(hyper.layers[-1])
:skip
flowing = 7
flowing = 4
flowing = 5
