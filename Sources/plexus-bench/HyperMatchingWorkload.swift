import PlexusTensor
import PlexusNN

// hyper_matching: the seed-000 design that finds the template (sessions/hypernetwork.plx), one
// training step at batch 32. The template branch keeps every position (flatten, not global
// pooling) and generates one 5x5x1x8 kernel per sample, as large as the template; each 24x24
// image is convolved with its own kernel, ReLU, a 3x3 convolution to one channel, binary
// crossentropy from logits; Adam 3e-3. Its PyTorch twin is bench/torch_hyper_matching.py.

/// One JSON line: the median milliseconds of a hyper_matching training step.
func runHyperMatching(context: ForwardContext) throws {
    let template = try Input(shape: [5, 5, 1])
    var t = try Conv2D(filters: 16, kernelSize: 3, padding: .same, activation: .relu)(template)
    t = try Conv2D(filters: 32, kernelSize: 3, padding: .same, activation: .relu)(t)
    let kernels = try Reshape(targetShape: [5, 5, 1, 8])(Dense(units: 200)(Flatten()(t)))
    let image = try Input(shape: [24, 24, 1])
    let h = try Conv(padding: .same, activation: .relu)([image, kernels])
    let logits = try Conv2D(filters: 1, kernelSize: 3, padding: .same)(h)
    let m = try Model(inputs: [image, template], outputs: [logits], name: "hyper_matching")
    // The session's data: zero-mean noise with the template pasted in, a one-pixel target map.
    var generator = context.generator
    let data = try templateMatching(n: 32, size: 24, templateSize: 5, zeroMean: true, using: &generator)
    context.generator = generator
    let opt = try Adam(learningRate: 3e-3)
    let ms = try medianMilliseconds(steps: 50) {
        checksum += try m.trainStep(inputs: data.inputs, context: context, optimizer: opt) {
            try binaryCrossentropy($0[0], data.target, fromLogits: true)
        }
    }
    report("hyper_matching", ms: ms, flops: 0)
}
