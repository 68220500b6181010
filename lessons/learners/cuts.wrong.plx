# A learner who goes wrong in the cuts lesson: a cut inside the residual block (an error that names
# the branches and the cuts nearby), a cut before the block, a front of the wrong shape.
:learn cuts restart
tail = slice(net, from: "branch_a")
tail = slice(net, from: "stem")
tail = slice(net, from: "down")
:skip
hybrid = model(big, tail(big |> conv2d(8, 3)))
hybrid = tail
hybrid = model(big, tail(big |> conv2d(8, 3, strides: 2, padding: "same")))
