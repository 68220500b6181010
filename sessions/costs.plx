# What does a model cost, beyond its parameters: compute (MACs), memory, and how far each unit sees?
#
# A siamese network stores its feature net once but runs it twice: parameters count weights,
# MACs count work. Then VGG16 and MobileNet side by side: 27x the compute and 32x the parameters,
# but not 27x the memory: activations, not weights, fill memory in training, and MobileNet's
# BatchNormalization and ReLU6 after every convolution each keep a full-size map for the backward pass. Conventions (what a MAC is, what FLOPs add, what the
# memory figures hold): docs/costs.md.

x = input(28, 28, 1)
h = x |> conv2d(24, 3, padding: "same", activation: relu) |> maxpool(3)
h = h |> conv2d(64, 3, padding: "same", activation: relu)
h = h |> conv2d(96, 3, activation: relu) |> conv2d(96, 3, activation: relu)
h = h |> flatten() |> dense(512, activation: relu)
feature = model(x, h, name: "feature")

def head(fa, fb) {
  y = concat(fa, fb) |> dense(1024, activation: relu) |> dense(1024, activation: relu)
  return y |> dense(2, activation: softmax)
}
a = input(28, 28, 1, name: "left"); b = input(28, 28, 1, name: "right")
siamese = model([a, b], head(feature(a), feature(b)), name: "siamese")

# The MACs column lists each call of the shared feature net; the totals count both.
summary(siamese, costs: true)

# Parameters once, compute twice.
f = costs(feature); s = costs(siamese)
f.macs
s.params - f.params
s.macs - 2 * f.macs              # what the head adds: 1024x1024 + 1024x1024 + 1024x2
plot(siamese, costs: true)

# Two independent copies: the same compute, 1,381,872 more parameters.
other = clone(feature)
c = input(28, 28, 1); d = input(28, 28, 1)
unshared = model([c, d], head(feature(c), other(d)), name: "unshared")
diff(siamese, unshared)

# How far one unit of each layer sees, in input pixels.
receptive_field(feature)

# VGG16 against MobileNet, both at 224x224x3 (the zoo scripts print their summaries).
:load zoo/vgg16.plx
:load zoo/mobilenet.plx
v = costs(vgg16, batch: 32); m = costs(mobilenet, batch: 32)
v
m

def ratio(field) {
  return str(round(v[field] / m[field], 1)) + "x"
}
print("GMACs per image:      ", round(v.macs / 1e9, 2), "vs", round(m.macs / 1e9, 2), ratio("macs"))
print("parameters (M):       ", round(v.params / 1e6, 1), "vs", round(m.params / 1e6, 1), ratio("params"))
print("inference, 32 (MiB):  ", round(v.inference_bytes / 1048576), "vs", round(m.inference_bytes / 1048576), ratio("inference_bytes"))
print("training, 32 (MiB):   ", round(v.training_bytes / 1048576), "vs", round(m.training_bytes / 1048576), ratio("training_bytes"))

# Compiled with Adam, training adds two moments per trainable weight (just under 2x the parameter
# bytes: MobileNet's BatchNormalization statistics are not trained).
compile(mobilenet, loss: "categorical_crossentropy", optimizer: adam(0.001))
costs(mobilenet, batch: 32).optimizer_bytes / m.param_bytes
receptive_field(vgg16, layer: "block5_pool").size
receptive_field(mobilenet, layer: "conv_pw_13_relu").size
