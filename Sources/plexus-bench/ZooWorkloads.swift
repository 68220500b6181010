import PlexusTensor
import PlexusNN

// The Keras applications as workloads (PlexusNN's `Applications`): inference on one 224x224x3
// image, and one SGD training step on a batch of 8 with softmax cross-entropy on the logits (the
// classifier built without its softmax, as PyTorch's models are). bench/torch_ref.py times the
// same shapes; its ResNet50 is torchvision's v1.5 (stride in the 3x3 convolution, 4.1 G
// multiply-adds), ours Keras's v1 (3.86 G), so GFLOP/s compares the two fairly, not milliseconds.

let zooWorkloads: [(name: String, run: (inout RandomGenerator) throws -> Void)] = [
    ("resnet50_infer", { try zooInference("resnet50_infer", Applications.resnet50(), multiplyAdds: 3.86e9, &$0) }),
    ("mobilenet_infer", { try zooInference("mobilenet_infer", Applications.mobilenet(), multiplyAdds: 0.569e9, &$0) }),
    ("resnet50_train", { try zooTraining("resnet50_train", Applications.resnet50(classifierActivation: .linear), &$0) }),
    ("mobilenet_train", { try zooTraining("mobilenet_train", Applications.mobilenet(classifierActivation: .linear), &$0) }),
]

/// Batch-1 inference through `predict`, median of 7 after 2 warm-up runs (as the reference).
func zooInference(_ name: String, _ model: Model, multiplyAdds: Double, _ gen: inout RandomGenerator) throws {
    try withTrainingContext(&gen) { context in
        let image = try Tensor.normal([1, 224, 224, 3], using: &context.generator)
        let ms = try medianMilliseconds(warmup: 2, steps: 7) {
            checksum += try predict(model, inputs: [image], context: context)[0].withUnsafeBufferPointer { $0[0] }
        }
        report(name, ms: ms, flops: 2 * multiplyAdds)
    }
}

/// One SGD (0.01) step on a batch of 8 with sparse softmax cross-entropy on the logits, median of
/// 5 after 1 warm-up step (as the reference).
func zooTraining(_ name: String, _ model: Model, _ gen: inout RandomGenerator) throws {
    try withTrainingContext(&gen) { context in
        let images = try Tensor.normal([8, 224, 224, 3], using: &context.generator)
        let y = try labels(8, classes: 1000, using: &context.generator)
        let opt = try SGD(learningRate: 0.01)
        let ms = try medianMilliseconds(warmup: 1, steps: 5) {
            checksum += try model.trainStep(inputs: [images], context: context, optimizer: opt) {
                try sparseCategoricalCrossentropy($0[0], labels: y, fromLogits: true)
            }
        }
        report(name, ms: ms, flops: 0)
    }
}
