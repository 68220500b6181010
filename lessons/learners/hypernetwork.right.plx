# A learner who answers every task of the hypernetwork lesson correctly, in their own words.
:learn hypernetwork restart
t = template |> conv2d(8, 3, padding: "same", activation: relu) |> global_avg_pool()
generator = dense(3 * 3 * 8)
k = t |> generator |> reshape(3, 3, 1, 8)
y = conv(image, k, padding: "same") |> relu
hyper = model([image, template], y |> conv2d(1, 3, padding: "same", activation: sigmoid))
freeze(generator)
n_flowing = 0
for w in hyper.weights { if w.trainable { n_flowing = n_flowing + 1 } }
flowing = n_flowing
