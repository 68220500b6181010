import PlexusTensor
import PlexusNN
import Foundation

// The model-level workloads of bench/README.md (mlp, siamese, hyper, vgg16_infer), built with
// PlexusNN's layers and run through their compiled execution plans: one training step is a
// forward pass with the tape on, the loss, the backward pass and the optimiser update
// (`Model.trainStep`); inference is `predict`. Shapes and losses follow bench/torch_ref.py.
// FLOPs are not reported for the training steps (`gflops` 0).

let modelWorkloads: [(name: String, run: (inout RandomGenerator) throws -> Void)] = [
    ("mlp", mlpWorkload), ("siamese", siameseWorkload), ("hyper", hyperWorkload),
    ("hyper_matching", { gen in try withTrainingContext(&gen) { try runHyperMatching(context: $0) } }), ("vgg16_infer", vgg16Workload),
]

/// A training context drawing from `gen`, handed back when the workload ends.
func withTrainingContext(_ gen: inout RandomGenerator, _ body: (ForwardContext) throws -> Void) rethrows {
    let context = ForwardContext(training: true, generator: gen)
    defer { gen = context.generator }
    try body(context)
}

/// Integer class labels in 0..<classes, stored as floats.
func labels(_ n: Int, classes: Int, using gen: inout RandomGenerator) throws -> Tensor {
    try Tensor(shape: [n], values: (0..<n).map { _ in Float(gen.nextInt(below: classes)) })
}

/// mlp: 784-512-512-10, ReLU, softmax cross-entropy on logits, SGD 0.01, batch 128.
func mlpWorkload(_ gen: inout RandomGenerator) throws {
    try withTrainingContext(&gen) { context in
        let x = try Input(shape: [784])
        var h = try Dense(units: 512, activation: .relu)(x)
        h = try Dense(units: 512, activation: .relu)(h)
        let m = try Model(inputs: x, outputs: Dense(units: 10)(h), name: "mlp")
        let input = try Tensor.normal([128, 784], using: &context.generator)
        let y = try labels(128, classes: 10, using: &context.generator)
        let opt = try SGD(learningRate: 0.01)
        let ms = try medianMilliseconds(steps: 100) {
            checksum += try m.trainStep(inputs: [input], context: context, optimizer: opt) {
                try sparseCategoricalCrossentropy($0[0], labels: y, fromLogits: true)
            }
        }
        report("mlp", ms: ms, flops: 0)
    }
}

/// siamese: the seed's MatchNet, feature network shared by both inputs, Adam 1e-3, batch 32.
func siameseWorkload(_ gen: inout RandomGenerator) throws {
    try withTrainingContext(&gen) { context in
        let x = try Input(shape: [28, 28, 1])
        var h = try Conv2D(filters: 24, kernelSize: 3, padding: .same, activation: .relu)(x)
        h = try MaxPooling2D(poolSize: 3)(h)
        h = try Conv2D(filters: 64, kernelSize: 3, padding: .same, activation: .relu)(h)
        h = try Conv2D(filters: 96, kernelSize: 3, activation: .relu)(h)
        h = try Conv2D(filters: 96, kernelSize: 3, activation: .relu)(h)
        h = try Dense(units: 512, activation: .relu)(Flatten()(h))
        let feature = try Model(inputs: x, outputs: h, name: "feature")
        let a = try Input(shape: [28, 28, 1]), b = try Input(shape: [28, 28, 1])
        var y = try Concatenate()([feature(a), feature(b)])
        y = try Dense(units: 1024, activation: .relu)(y)
        y = try Dense(units: 1024, activation: .relu)(y)
        let m = try Model(inputs: [a, b], outputs: [Dense(units: 2)(y)], name: "siamese")
        let va = try Tensor.normal([32, 28, 28, 1], using: &context.generator)
        let vb = try Tensor.normal([32, 28, 28, 1], using: &context.generator)
        let target = try labels(32, classes: 2, using: &context.generator)
        let opt = try Adam(learningRate: 1e-3)
        let ms = try medianMilliseconds {
            checksum += try m.trainStep(inputs: [va, vb], context: context, optimizer: opt) {
                try sparseCategoricalCrossentropy($0[0], labels: target, fromLogits: true)
            }
        }
        report("siamese", ms: ms, flops: 0)
    }
}

/// hyper: per-sample 3x3x1x8 kernels from a template branch, batch 16, Adam, BCE on logits.
func hyperWorkload(_ gen: inout RandomGenerator) throws {
    try withTrainingContext(&gen) { context in
        let template = try Input(shape: [16, 16, 1])
        var t = try Conv2D(filters: 16, kernelSize: 3, padding: .same, activation: .relu)(template)
        t = try Conv2D(filters: 32, kernelSize: 3, padding: .same, activation: .relu)(t)
        t = try Dense(units: 72)(GlobalAveragePooling2D()(t))
        let kernels = try Reshape(targetShape: [3, 3, 1, 8])(t)
        let image = try Input(shape: [64, 64, 1])
        let h = try Conv(padding: .same, activation: .relu, useBias: false)([image, kernels])
        let m = try Model(inputs: [template, image], outputs: [Conv2D(filters: 1, kernelSize: 3, padding: .same)(h)], name: "hyper")
        let tv = try Tensor.normal([16, 16, 16, 1], using: &context.generator)
        let iv = try Tensor.normal([16, 64, 64, 1], using: &context.generator)
        let target = try Tensor.uniform([16, 64, 64, 1], using: &context.generator).mapElements { $0 > 0.9 ? 1 : 0 }
        let opt = try Adam(learningRate: 1e-3)
        let ms = try medianMilliseconds {
            checksum += try m.trainStep(inputs: [tv, iv], context: context, optimizer: opt) {
                try binaryCrossentropy($0[0], target, fromLogits: true)
            }
        }
        report("hyper", ms: ms, flops: 0)
    }
}

/// vgg16_infer: VGG16 forward on one 224x224x3 image, inference, no tape.
func vgg16Workload(_ gen: inout RandomGenerator) throws {
    try withTrainingContext(&gen) { context in
        let input = try Input(shape: [224, 224, 3])
        var x = input
        var flops = 0.0
        var size = 224, channels = 3
        for (filters, convs) in [(64, 2), (128, 2), (256, 3), (512, 3), (512, 3)] {
            for _ in 0..<convs {
                x = try Conv2D(filters: filters, kernelSize: 3, padding: .same, activation: .relu)(x)
                flops += 2 * Double(size * size * 9 * channels * filters)
                channels = filters
            }
            x = try MaxPooling2D(poolSize: 2, strides: 2)(x)
            size /= 2
        }
        x = try Dense(units: 4096, activation: .relu)(Flatten()(x))
        x = try Dense(units: 4096, activation: .relu)(x)
        x = try Dense(units: 1000, activation: .softmax)(x)
        flops += 2 * Double(25088 * 4096 + 4096 * 4096 + 4096 * 1000)
        let m = try Model(inputs: input, outputs: x, name: "vgg16")
        let image = try Tensor.normal([1, 224, 224, 3], using: &context.generator)
        let ms = try medianMilliseconds(warmup: 2, steps: 5) {
            checksum += try predict(m, inputs: [image], context: context)[0].withUnsafeBufferPointer { $0[0] }
        }
        report("vgg16_infer", ms: ms, flops: flops)
    }
}
