import PlexusTensor
/// Keras `BatchNormalization(axis=-1, momentum=0.99, epsilon=0.001, center=True, scale=True)`.
///
/// Weights, in Keras's order: `gamma` (if `scale`) and `beta` (if `center`), trainable;
/// `moving_mean` and `moving_variance`, statistics that are never trainable. All of shape
/// `(channels,)` along `axis`.
///
/// Being frozen and running in inference mode are separate states here (they are one flag in
/// Keras, keras#7085, #9522): freezing stops gamma and beta from learning; inference mode makes
/// training use the moving statistics instead of the batch's. By default inference mode follows
/// freezing, as in Keras 3; setting `inferenceMode` decides it explicitly.
public final class BatchNormalization: Layer {
    public static let spec = LayerSpec(
        "BatchNormalization", builtin: "batchnorm", aliases: ["batch_normalization"],
        arguments: [
            ArgumentSpec("axis", .axis, default: .int(-1), doc: "the feature (channel) axis"),
            ArgumentSpec("momentum", .number, default: .number(0.99), doc: "how much of the moving statistics each training step keeps"),
            ArgumentSpec("epsilon", .number, default: .number(0.001), check: .positive, doc: "added to the variance before its square root"),
            ArgumentSpec("center", .bool, default: .bool(true), doc: "whether beta is added"),
            ArgumentSpec("scale", .bool, default: .bool(true), doc: "whether the result is multiplied by gamma"),
            .initializer("beta_initializer", .zeros, of: "beta"), .initializer("gamma_initializer", .ones, of: "gamma"),
            .initializer("moving_mean_initializer", .zeros, of: "moving_mean"),
            .initializer("moving_variance_initializer", .ones, of: "moving_variance"),
        ] + unregularizedArguments(["beta", "gamma"], activity: false)
          + [.fixed("synchronized", .bool(false)), .fixed("renorm", .bool(false)), .fixed("renorm_clipping", .none),
             .fixed("renorm_momentum", .number(0.99))],
        help: "Batch normalisation over the channel axis (Keras BatchNormalization). Weights: gamma and beta (trainable) and the moving mean and variance (statistics, never trainable).",
        example: "h = h |> conv2d(64, 3, use_bias: false) |> batchnorm() |> relu",
        make: { try BatchNormalization(arguments: $0, name: $1) })

    public let axis: Int
    public let momentum: Float
    public let epsilon: Float
    public let center: Bool
    public let scale: Bool
    public let betaInitializer: Initializer
    public let gammaInitializer: Initializer
    public let movingMeanInitializer: Initializer
    public let movingVarianceInitializer: Initializer
    private var inferenceOverride: Bool?

    public init(arguments: LayerArguments, name: String?) throws {
        axis = try arguments.int("axis")
        momentum = try arguments.float("momentum")
        epsilon = try arguments.float("epsilon")
        center = try arguments.bool("center")
        scale = try arguments.bool("scale")
        betaInitializer = try arguments.initializer("beta_initializer")
        gammaInitializer = try arguments.initializer("gamma_initializer")
        movingMeanInitializer = try arguments.initializer("moving_mean_initializer")
        movingVarianceInitializer = try arguments.initializer("moving_variance_initializer")
        try super.init(typeName: BatchNormalization.spec.className, name: name, arguments: arguments)
    }

    public convenience init(axis: Int = -1, momentum: Float = 0.99, epsilon: Float = 0.001, center: Bool = true, scale: Bool = true,
                            betaInitializer: Initializer = .zeros, gammaInitializer: Initializer = .ones,
                            movingMeanInitializer: Initializer = .zeros, movingVarianceInitializer: Initializer = .ones,
                            name: String? = nil) throws {
        try self.init(arguments: BatchNormalization.spec.arguments([
            "axis": .int(axis), "momentum": .number(Double(momentum)), "epsilon": .number(Double(epsilon)), "center": .bool(center),
            "scale": .bool(scale), "beta_initializer": .initializer(betaInitializer), "gamma_initializer": .initializer(gammaInitializer),
            "moving_mean_initializer": .initializer(movingMeanInitializer),
            "moving_variance_initializer": .initializer(movingVarianceInitializer),
        ]), name: name)
    }

    /// Whether training uses the moving statistics (and leaves them unchanged) instead of the
    /// batch's. Follows freezing unless set.
    public var inferenceMode: Bool {
        get { inferenceOverride ?? isFrozen }
        set { inferenceOverride = newValue }
    }

    /// Returns inference mode to following freezing.
    public func resetInferenceMode() { inferenceOverride = nil }

    /// The arguments without the initializers, and whether the layer is in inference mode.
    override public var config: [(key: String, value: String)] {
        super.config.filter { !$0.key.hasSuffix("_initializer") } + [("inference_mode", cfg(inferenceMode))]
    }

    override public func computeOutputShape(_ inputShapes: [[Int?]]) throws -> [Int?] {
        let s = inputShapes[0]
        guard let a = ShapeRule.normalizedAxis(axis, rank: s.count), a > 0 else {
            throw shapeError("expects an input with a feature axis \(axis) other than the batch axis", input: 0, inputShapes)
        }
        return s
    }

    override public func weightSpecs(for inputShapes: [[Int?]]) throws -> [WeightSpec] {
        let s = inputShapes[0]
        assert(ShapeRule.normalizedAxis(axis, rank: s.count) != nil, "axis checked by outputShape")  // invariant
        let a = ShapeRule.normalizedAxis(axis, rank: s.count) ?? 0
        let c = try knownDimension(inputShapes, 0, axis: a, "size on axis \(axis)")
        var specs: [WeightSpec] = []
        if scale { specs.append(WeightSpec("gamma", [c], gammaInitializer)) }
        if center { specs.append(WeightSpec("beta", [c], betaInitializer)) }
        specs.append(WeightSpec("moving_mean", [c], movingMeanInitializer, role: .statistic))
        specs.append(WeightSpec("moving_variance", [c], movingVarianceInitializer, role: .statistic))
        return specs
    }

    override public func makeUnbuiltCopy(name: String) throws -> Layer {
        guard let copy = try super.makeUnbuiltCopy(name: name) as? BatchNormalization else {
            throw NetworkError(self.name, "(BatchNormalization) cannot be cloned") // invariant: the spec makes a BatchNormalization
        }
        copy.inferenceOverride = inferenceOverride
        return copy
    }

    /// Normalises with the batch's statistics and moves the moving ones towards them when the
    /// context trains and the layer is not in inference mode; with the moving statistics
    /// otherwise (leaving them alone). Gradients reach gamma and beta either way, and the input
    /// through the batch statistics in the first case. A feature axis other than the last is
    /// moved last for the kernel and back.
    override public func forward(_ inputs: [Variable], context: ForwardContext) throws -> Variable {
        try checkValueCount(inputs)
        let x = inputs[0]
        guard let a = ShapeRule.normalizedAxis(axis, rank: x.shape.count), a > 0 else {
            throw NetworkError(name, "expects an input with a feature axis \(axis) other than the batch axis",
                               received: [.init(shape: x.shape.map { $0 })])
        }
        let c = x.shape[a]
        let gamma = try optionalVariable("gamma", context) ?? Variable(Tensor.ones([c]))
        let beta = try optionalVariable("beta", context) ?? Variable(Tensor.zeros([c]))
        let movingMean = try variable("moving_mean", context), movingVariance = try variable("moving_variance", context)
        let batchStatistics = context.training && !inferenceMode
        var mean = movingMean.value, variance = movingVariance.value
        let perm = moveLast(a, rank: x.shape.count)
        let input = try perm.map { try x.permute($0) } ?? x
        var y = try batchNorm(input, gamma: gamma, beta: beta, runningMean: &mean, runningVar: &variance,
                              training: batchStatistics, momentum: momentum, epsilon: epsilon)
        if let perm { y = try y.permute(inversePermutation(perm)) }
        if batchStatistics {
            try movingMean.assign(mean)
            try movingVariance.assign(variance)
        }
        return y
    }
}

extension BatchNormalization {
    /// The per-channel `(scale, shift)` this layer applies in inference (the moving statistics),
    /// for an execution plan that applies it in the epilogue of the op before it; nil unless the
    /// feature axis is the last of an input of rank `inputRank`.
    func inferenceAffine(inputRank: Int, channels: Int, context: ForwardContext) throws -> (scale: [Float], shift: [Float])? {
        guard ShapeRule.normalizedAxis(axis, rank: inputRank) == inputRank - 1 else { return nil }
        return try batchNormInferenceAffine(
            gamma: try optionalVariable("gamma", context)?.value ?? Tensor.ones([channels]),
            beta: try optionalVariable("beta", context)?.value ?? Tensor.zeros([channels]),
            movingMean: try variable("moving_mean", context).value, movingVariance: try variable("moving_variance", context).value,
            channels: channels, epsilon: epsilon)
    }
}

/// Keras `LayerNormalization(axis=-1, epsilon=0.001, center=True, scale=True)`: normalises each
/// sample over `axis` (one axis or several).
///
/// Weights: `gamma` (if `scale`), `beta` (if `center`), of the input's sizes on `axis`.
public final class LayerNormalization: Layer {
    public static let spec = LayerSpec(
        "LayerNormalization", builtin: "layernorm", aliases: ["layer_normalization"],
        arguments: [
            ArgumentSpec("axis", .axes, default: .ints([-1]), check: .custom { $0 == .ints([]) ? "must name at least one axis" : nil },
                         doc: "the axes each sample is normalised over"),
            ArgumentSpec("epsilon", .number, default: .number(0.001), check: .positive, doc: "added to the variance before its square root"),
            ArgumentSpec("center", .bool, default: .bool(true), doc: "whether beta is added"),
            ArgumentSpec("scale", .bool, default: .bool(true), doc: "whether the result is multiplied by gamma"),
            .initializer("beta_initializer", .zeros, of: "beta"), .initializer("gamma_initializer", .ones, of: "gamma"),
        ] + unregularizedArguments(["beta", "gamma"], activity: false) + [.fixed("rms_scaling", .bool(false))],
        help: "Layer normalisation of each sample over `axis` (Keras LayerNormalization; one axis or a list). Weights: gamma and beta of the normalised axes' sizes.",
        example: "h = h |> layernorm()",
        make: { try LayerNormalization(arguments: $0, name: $1) })

    public let axis: [Int]
    public let epsilon: Float
    public let center: Bool
    public let scale: Bool
    public let betaInitializer: Initializer
    public let gammaInitializer: Initializer

    public init(arguments: LayerArguments, name: String?) throws {
        axis = try arguments.ints("axis")
        epsilon = try arguments.float("epsilon")
        center = try arguments.bool("center")
        scale = try arguments.bool("scale")
        betaInitializer = try arguments.initializer("beta_initializer")
        gammaInitializer = try arguments.initializer("gamma_initializer")
        try super.init(typeName: LayerNormalization.spec.className, name: name, arguments: arguments)
    }

    public convenience init(axis: [Int] = [-1], epsilon: Float = 0.001, center: Bool = true, scale: Bool = true,
                            betaInitializer: Initializer = .zeros, gammaInitializer: Initializer = .ones, name: String? = nil) throws {
        try self.init(arguments: LayerNormalization.spec.arguments([
            "axis": .ints(axis), "epsilon": .number(Double(epsilon)), "center": .bool(center), "scale": .bool(scale),
            "beta_initializer": .initializer(betaInitializer), "gamma_initializer": .initializer(gammaInitializer),
        ]), name: name)
    }

    /// The arguments without the initializers.
    override public var config: [(key: String, value: String)] {
        super.config.filter { !$0.key.hasSuffix("_initializer") }
    }

    private func axes(_ inputShapes: [[Int?]]) throws -> [Int] {
        let s = inputShapes[0]
        let resolved = axis.compactMap { ShapeRule.normalizedAxis($0, rank: s.count) }
        guard resolved.count == axis.count, !resolved.contains(0), Set(resolved).count == resolved.count else {
            throw shapeError("expects an input with the normalised axes \(cfg(axis)) (not the batch axis)", input: 0, inputShapes)
        }
        return resolved
    }

    override public func computeOutputShape(_ inputShapes: [[Int?]]) throws -> [Int?] {
        _ = try axes(inputShapes)
        return inputShapes[0]
    }

    override public func weightSpecs(for inputShapes: [[Int?]]) throws -> [WeightSpec] {
        let shape = try axes(inputShapes).map { try knownDimension(inputShapes, 0, axis: $0, "size on the normalised axes") }
        var specs: [WeightSpec] = []
        if scale { specs.append(WeightSpec("gamma", shape, gammaInitializer)) }
        if center { specs.append(WeightSpec("beta", shape, betaInitializer)) }
        return specs
    }

    /// Normalises each sample over the axes: they are moved last (if they are not already) and
    /// merged into one, gamma and beta read flat in the axes' positional order (as Keras reshapes
    /// them to the broadcast shape), then the result is put back.
    override public func forward(_ inputs: [Variable], context: ForwardContext) throws -> Variable {
        try checkValueCount(inputs)
        let x = inputs[0]
        let shape = x.shape
        let resolved = axis.compactMap { ShapeRule.normalizedAxis($0, rank: shape.count) }
        guard resolved.count == axis.count, !resolved.contains(0), Set(resolved).count == resolved.count else {
            throw NetworkError(name, "expects an input with the normalised axes \(cfg(axis)) (not the batch axis)",
                               received: [.init(shape: shape.map { $0 })])
        }
        let axes = resolved.sorted()
        let rest = (0..<shape.count).filter { !axes.contains($0) }
        let perm = rest + axes
        let moved = perm != Array(0..<shape.count)
        let inner = axes.reduce(1) { $0 * shape[$1] }
        var input = moved ? try x.permute(perm) : x
        let movedShape = input.shape
        if axes.count > 1 { input = try input.reshape(Array(movedShape.prefix(rest.count)) + [inner]) }
        let gamma = try optionalVariable("gamma", context)?.reshape([inner]) ?? Variable(Tensor.ones([inner]))
        let beta = try optionalVariable("beta", context)?.reshape([inner]) ?? Variable(Tensor.zeros([inner]))
        var y = try layerNorm(input, gamma: gamma, beta: beta, axis: -1, epsilon: epsilon)
        if axes.count > 1 { y = try y.reshape(movedShape) }
        if moved { y = try y.permute(inversePermutation(perm)) }
        return y
    }
}

/// The permutation that moves axis `a` of a rank-`rank` tensor last, or `nil` when it is last.
func moveLast(_ a: Int, rank: Int) -> [Int]? {
    a == rank - 1 ? nil : (0..<rank).filter { $0 != a } + [a]
}

/// The permutation that undoes `perm`.
func inversePermutation(_ perm: [Int]) -> [Int] {
    var inverse = perm
    for (i, p) in perm.enumerated() { inverse[p] = i }
    return inverse
}
