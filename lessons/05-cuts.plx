#: lesson Why a DAG cannot be cut anywhere: cuts, slice, and grafting
# A model is a graph, not a list. Cutting it in two means finding a tensor that carries
# everything downstream; inside a residual or Inception block no tensor does, because another
# branch runs beside it. cuts(m) lists the places where a cut is possible, slice(m, from:, to:)
# cuts there, and the pieces can be grafted onto other models.

#: step A network with a residual block
# The stem's output goes both through two convolutions and around them, and the two meet at the
# add. Look at the table cuts prints: neither branch_a nor branch_b is in it, because the skip
# connection from stem to merge runs beside them.
#: run
img = input(16, 16, 3, name: "img")
s = img |> conv2d(8, 3, padding: "same", activation: relu, name: "stem")
r = s |> conv2d(8, 3, padding: "same", activation: relu, name: "branch_a") |> conv2d(8, 3, padding: "same", name: "branch_b")
h = add(s, r, name: "merge") |> conv2d(16, 3, strides: 2, activation: relu, name: "down")
net = model(img, h |> global_avg_pool(name: "pool") |> dense(4, activation: softmax, name: "out"), name: "net")
cuts(net)

#: step Cut after the block
# slice(net, from: "branch_a") would leave stem's skip connection without its source: Plexus
# says so and names the cuts nearby (try it).
#: task Make `tail`: the part of net after the residual block, from a cut where the branches
# have merged. Its input is (none, 16, 16, 8) and it has the parameters of down and out.
#: hint The block ends where the two branches meet: the add layer, "merge".
#: hint tail = slice(net, from: "merge")
#: answer
tail = slice(net, from: "merge")
#: check
if not defined("tail") { return none }
if not is_model(tail) { return "tail is " + str(tail) + ", not a model: slice(net, from: ...) makes one" }
expected = params(net["down"]) + params(net["out"])
if params(tail) > expected { return "tail has " + str(params(tail)) + " parameters, " + str(params(tail) - expected) + " more than down and out: it starts before the block ends; the cuts are " + str(cut_names(net)) }
if params(tail) < expected { return "tail has " + str(params(tail)) + " parameters, fewer than down and out (" + str(expected) + "): it starts too late" }
return true
#: success
# The slice reuses net's layers: its weights are net's, shared, not copied.

#: step Graft a new front
# A new input of 32x32: a front that brings it to the (16, 16, 8) tail expects, then the tail.
#: run
big = input(32, 32, 3, name: "big")
#: task Build `hybrid` from big to tail's output: a front that turns (32, 32, 3) into
# (16, 16, 8), for instance conv2d(8, 3, strides: 2, padding: "same"), then tail.
#: hint A model is a layer: tail(t) applies it to a tensor t of the right shape.
#: hint hybrid = model(big, tail(big |> conv2d(8, 3, strides: 2, padding: "same")))
#: answer
front = big |> conv2d(8, 3, strides: 2, padding: "same", activation: relu, name: "adapter")
hybrid = model(big, tail(front), name: "hybrid")
#: check
if not defined("hybrid") { return none }
if not is_model(hybrid) { return "hybrid is " + str(hybrid) + ", not a model" }
if len(hybrid.inputs) != 1 or hybrid.inputs[0].shape != (none, 32, 32, 3) { return "hybrid takes " + str(hybrid.inputs) + "; it should take the 32x32 image big" }
if shape(hybrid) != (none, 4) { return "hybrid's output has shape " + str(shape(hybrid)) + "; ending with tail it is (none, 4)" }
if params(hybrid) <= params(tail) { return "hybrid has no parameters besides tail's: where is the front?" }
return true
#: success
# Freezing tail (freeze(tail)) would train only the front: transfer learning with a grafted model.
