#: lesson Weight sharing: one feature network, two branches
# A siamese network compares two images by running both through the same feature network. In
# Plexus, as in Keras, "the same" means the same model value called twice: its weights are
# shared. This lesson builds MatchNet's siamese network, counts its parameters, and shows why
# sharing halves the parameters but not the computation.

#: step A feature network
# Here is a feature network for 28x28 images: four convolutions, a pooling and a dense layer.
# Nothing is computed and no weight is allocated, so counting its parameters is instant.
#: run
x = input(28, 28, 1)
h = x |> conv2d(24, 3, padding: "same", activation: relu) |> maxpool(3)
h = h |> conv2d(64, 3, padding: "same", activation: relu)
h = h |> conv2d(96, 3, activation: relu) |> conv2d(96, 3, activation: relu)
h = h |> flatten() |> dense(512, activation: relu)
feature = model(x, h, name: "feature")
#: task How many parameters does `feature` have? Put the number in a variable `n`.
#: hint params(m) counts the parameters of a model.
#: hint Type n = params(feature)
#: answer
n = params(feature)
#: check
if not defined("n") { return none }
if n == params(feature) { return true }
return "n is " + str(n) + ", and feature has another number of parameters"
#: success
# 1,381,872: almost all of them in the dense layer after the flatten, whose input is the
# 5 x 5 x 96 map: 2,400 x 512 weights and 512 biases, 1,229,312.

#: step Calling the same model twice
# Two inputs, one for each image of a pair:
#: run
a = input(28, 28, 1); b = input(28, 28, 1)
#: task Build `siamese`: `concat` the features of a and of b, then dense(1024, activation: relu),
# dense(1024, activation: relu) and dense(2, activation: softmax); make it a model from [a, b].
# With the feature network shared it has 3,483,122 parameters.
#: hint The feature of a is feature(a): calling the model applies it with its own weights.
#: hint y = concat(feature(a), feature(b)) |> dense(1024, activation: relu) |> dense(1024, activation: relu) |> dense(2, activation: softmax), then siamese = model([a, b], y)
#: answer
y = concat(feature(a), feature(b)) |> dense(1024, activation: relu)
y = y |> dense(1024, activation: relu) |> dense(2, activation: softmax)
siamese = model([a, b], y, name: "siamese")
#: check
if not defined("siamese") { return none }
if not is_model(siamese) { return "siamese is " + str(siamese) + ", not a model: make it with model([a, b], y)" }
if len(siamese.inputs) != 2 { return "siamese has " + str(len(siamese.inputs)) + " input(s); it takes two images: model([a, b], y)" }
count = params(siamese)
if count == 3483122 { return true }
if count == 4864994 { return "your network has 4,864,994 parameters: the two branches use different copies of feature; call the same model twice" }
return "siamese has " + str(count) + " parameters, not 3,483,122: check the head (concat, then dense 1024, 1024 and 2)"
#: success
# 3,483,122 = 1,381,872 for feature, counted once, plus 2,101,250 for the head.

#: step Two copies instead of one
# clone(m) makes a model of the same structure with fresh weights of its own. New inputs for a
# second network:
#: run
c = input(28, 28, 1); d = input(28, 28, 1)
#: task Build `unshared`: the same network on c and d, but with the second branch using a clone
# of feature, so the two branches no longer share weights.
#: hint other = clone(feature) gives the second branch its own weights: concat(feature(c), other(d)) ...
#: hint other = clone(feature), then z = concat(feature(c), other(d)) |> dense(1024, activation: relu) |> dense(1024, activation: relu) |> dense(2, activation: softmax), unshared = model([c, d], z)
#: answer
other = clone(feature)
z = concat(feature(c), other(d)) |> dense(1024, activation: relu)
z = z |> dense(1024, activation: relu) |> dense(2, activation: softmax)
unshared = model([c, d], z, name: "unshared")
#: check
if not defined("unshared") { return none }
if not is_model(unshared) { return "unshared is " + str(unshared) + ", not a model" }
count = params(unshared)
if count == 4864994 { return true }
if count == 3483122 { return "unshared has 3,483,122 parameters, as many as siamese: both branches still call feature; call clone(feature) on the second input" }
return "unshared has " + str(count) + " parameters: it should be the siamese network with a clone of feature in one branch (4,864,994)"

#: step Where the difference comes from
# compare puts the two side by side and says where the difference comes from:
#: run
compare(siamese, unshared)
#: task Put in `extra` how many more parameters unshared has than siamese.
#: hint params(unshared) - params(siamese)
#: answer
extra = params(unshared) - params(siamese)
#: check
if not defined("extra") { return none }
if extra == params(feature) { return true }
return "extra is " + str(extra) + "; the two models differ by the parameters of one feature network"
#: success
# Exactly one feature network: 1,381,872. Sharing stores the feature weights once.

#: step Parameters halve, the computation does not
# Both networks still run the feature network on each image: sharing saves the weights (memory,
# and a gradient that learns from both branches), not the work. A pair of images costs the same
# in either network.
#: task For one pair of images, how many times does the siamese network run the feature network?
# Put the number in `runs`.
#: hint The network takes two images and each goes through feature.
#: answer
runs = 2
#: check
if not defined("runs") { return none }
if runs == 2 { return true }
if runs == 1 { return "runs is 1: the weights are stored once, but feature still runs on a and on b; two images, two passes" }
return "runs is " + str(runs) + "; count the images that go through feature"
#: success
# Twice: a siamese network has the parameters of one feature network and the computation of two.
