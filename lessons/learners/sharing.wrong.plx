# A learner who goes wrong at every task of the sharing lesson: each wrong try gets what differs
# and a hint, the second the next hint; :skip shows an answer and runs it; :play pauses.
:learn sharing restart
n = params(x)
n = 5
:skip
other = clone(feature)
siamese = model([a, b], concat(feature(a), other(b)) |> dense(1024, activation: relu) |> dense(1024, activation: relu) |> dense(2, activation: softmax))
siamese = model([a, b], concat(feature(a), feature(b)) |> dense(2, activation: softmax))
:play
siamese = 3
:learn
:skip
unshared = siamese
:skip
extra = params(unshared)
extra = params(unshared) - params(siamese)
runs = 1
runs = 3
:skip
