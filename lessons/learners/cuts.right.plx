# A learner who answers every task of the cuts lesson correctly.
:learn cuts restart
tail = slice(net, from: net["merge"].output)
a = big |> conv2d(8, 1) |> maxpool(2)
hybrid = model(big, tail(a))
