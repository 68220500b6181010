import PlexusTensor
/// Runs `model` in inference on `inputs` (one tensor per model input, samples along the first
/// axis) in batches of `batchSize`, and returns each output for all samples, joined along the
/// first axis: Keras's `model.predict(x, batch_size=32)`.
///
/// Inference throughout: Dropout is the identity, BatchNormalization uses its moving statistics,
/// and no tape is recorded (each batch's intermediate tensors are freed as soon as they are
/// used). `context.training` is set to false for the call and restored afterwards; its generator
/// materialises weights that have no storage yet.
///
/// ```swift
/// let probabilities = try predict(model, inputs: [images], batchSize: 64, context: context)[0]
/// ```
/// - Throws: `NetworkError` when `batchSize` is not positive, the inputs disagree on the number
///   of samples, or a shape does not fit the model.
public func predict(_ model: Model, inputs: [Tensor], batchSize: Int = 32, context: ForwardContext) throws -> [Tensor] {
    guard batchSize > 0 else { throw NetworkError(model.name, "cannot predict with batch size \(batchSize); it must be positive") }
    let plan = try model.plan()
    try plan.checkInputs(inputs.map(\.shape))
    let counts = Set(inputs.map { $0.shape.first ?? 0 })
    guard counts.count <= 1 else {
        throw NetworkError(model.name, "needs the same number of samples in every input to predict",
                           received: inputs.map { .init(shape: $0.shape.map { $0 }) })
    }
    let n = counts.first ?? 0
    guard n > 0 else { throw NetworkError(model.name, "got an empty dataset", hint: "predict needs at least one sample") }
    // The outputs for every sample are held at once (twice while the batches are joined): check
    // that they fit before computing any.
    for output in model.outputs {
        let sample = output.shape.dropFirst().map { $0 ?? 1 }
        if let problem = shapeSizeProblem([n] + sample) {
            throw NetworkError(model.name, "cannot predict: its output for \(n) samples \(problem)")
        }
        let bytes = ([n] + sample).reduce(1, *).multipliedReportingOverflow(by: 8)  // no overflow: the sizes were checked just above
        do { try MemoryLimit.check(bytes: bytes.overflow ? Int.max : bytes.partialValue, op: "predict", what: "the outputs for \(formatCount(n)) samples") }
        catch let error as TensorError { throw NetworkError(model.name, "cannot predict: \(error.message)") }
    }
    func runBatch(_ xs: [Tensor]) throws -> [Tensor] {
        try withoutGradients {
            try context.with(training: false) { try plan.run(inputs: xs, context: context).map(\.value) }
        }
    }
    if n <= batchSize { return try runBatch(inputs) }
    var pieces: [[Tensor]] = []
    for lo in stride(from: 0, to: n, by: batchSize) {
        try Interrupt.check(model.name)
        let hi = Swift.min(n, lo + batchSize)
        pieces.append(try runBatch(inputs.map { try $0.sliced(axis: 0, lo..<hi) }))
    }
    return try (0..<(pieces.first?.count ?? 0)).map { k in try Tensor.concatenated(pieces.map { $0[k] }, axis: 0) }
}
