# A learner who answers every task of the sharing lesson correctly, in their own words.
:learn sharing restart
n = 1381872
def head(fa, fb) {
  return concat(fa, fb) |> dense(1024, activation: relu) |> dense(1024, activation: relu) |> dense(2, activation: softmax)
}
siamese = model([a, b], head(feature(a), feature(b)))
copy2 = clone(feature)
unshared = model([c, d], head(feature(c), copy2(d)))
extra = 4864994 - 3483122
runs = 1 + 1
