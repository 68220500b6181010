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

    public init(axis: Int = -1, momentum: Float = 0.99, epsilon: Float = 0.001, center: Bool = true, scale: Bool = true,
                betaInitializer: Initializer = .zeros, gammaInitializer: Initializer = .ones,
                movingMeanInitializer: Initializer = .zeros, movingVarianceInitializer: Initializer = .ones,
                name: String? = nil) throws {
        guard epsilon > 0 else { throw Layer.argumentError("BatchNormalization", "epsilon must be positive, got \(formatFloat(epsilon))") }
        self.axis = axis
        self.momentum = momentum
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.betaInitializer = betaInitializer
        self.gammaInitializer = gammaInitializer
        self.movingMeanInitializer = movingMeanInitializer
        self.movingVarianceInitializer = movingVarianceInitializer
        try super.init(typeName: "BatchNormalization", name: name)
    }

    /// Whether training uses the moving statistics (and leaves them unchanged) instead of the
    /// batch's. Follows freezing unless set.
    public var inferenceMode: Bool {
        get { inferenceOverride ?? isFrozen }
        set { inferenceOverride = newValue }
    }

    /// Returns inference mode to following freezing.
    public func resetInferenceMode() { inferenceOverride = nil }

    override public var config: [(key: String, value: String)] {
        [("axis", cfg(axis)), ("momentum", cfg(momentum)), ("epsilon", cfg(epsilon)), ("center", cfg(center)),
         ("scale", cfg(scale)), ("inference_mode", cfg(inferenceMode))]
    }

    override public func computeOutputShape(_ inputShapes: [[Int?]]) throws -> [Int?] {
        let s = inputShapes[0]
        guard let a = resolveAxis(axis, rank: s.count), a > 0 else {
            throw shapeError("expects an input with a feature axis \(axis) other than the batch axis", input: 0, inputShapes)
        }
        return s
    }

    override public func weightSpecs(for inputShapes: [[Int?]]) throws -> [WeightSpec] {
        let s = inputShapes[0]
        let a = resolveAxis(axis, rank: s.count) ?? 0 // invariant: checked by outputShape
        let c = try knownDimension(inputShapes, 0, axis: a, "size on axis \(axis)")
        var specs: [WeightSpec] = []
        if scale { specs.append(WeightSpec("gamma", [c], gammaInitializer)) }
        if center { specs.append(WeightSpec("beta", [c], betaInitializer)) }
        specs.append(WeightSpec("moving_mean", [c], movingMeanInitializer, role: .statistic))
        specs.append(WeightSpec("moving_variance", [c], movingVarianceInitializer, role: .statistic))
        return specs
    }

    override public func makeUnbuiltCopy(name: String) throws -> Layer {
        let copy = try BatchNormalization(axis: axis, momentum: momentum, epsilon: epsilon, center: center, scale: scale,
                                          betaInitializer: betaInitializer, gammaInitializer: gammaInitializer,
                                          movingMeanInitializer: movingMeanInitializer,
                                          movingVarianceInitializer: movingVarianceInitializer, name: name)
        copy.inferenceOverride = inferenceOverride
        return copy
    }
}

/// Keras `LayerNormalization(axis=-1, epsilon=0.001, center=True, scale=True)`: normalises each
/// sample over `axis` (one axis or several).
///
/// Weights: `gamma` (if `scale`), `beta` (if `center`), of the input's sizes on `axis`.
public final class LayerNormalization: Layer {
    public let axis: [Int]
    public let epsilon: Float
    public let center: Bool
    public let scale: Bool
    public let betaInitializer: Initializer
    public let gammaInitializer: Initializer

    public init(axis: [Int] = [-1], epsilon: Float = 0.001, center: Bool = true, scale: Bool = true,
                betaInitializer: Initializer = .zeros, gammaInitializer: Initializer = .ones, name: String? = nil) throws {
        guard !axis.isEmpty else { throw Layer.argumentError("LayerNormalization", "axis must name at least one axis") }
        guard epsilon > 0 else { throw Layer.argumentError("LayerNormalization", "epsilon must be positive, got \(formatFloat(epsilon))") }
        self.axis = axis
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.betaInitializer = betaInitializer
        self.gammaInitializer = gammaInitializer
        try super.init(typeName: "LayerNormalization", name: name)
    }

    override public var config: [(key: String, value: String)] {
        [("axis", axis.count == 1 ? cfg(axis[0]) : "[" + axis.map(String.init).joined(separator: ", ") + "]"),
         ("epsilon", cfg(epsilon)), ("center", cfg(center)), ("scale", cfg(scale))]
    }

    private func axes(_ inputShapes: [[Int?]]) throws -> [Int] {
        let s = inputShapes[0]
        let resolved = axis.compactMap { resolveAxis($0, rank: s.count) }
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

    override public func makeUnbuiltCopy(name: String) throws -> Layer {
        try LayerNormalization(axis: axis, epsilon: epsilon, center: center, scale: scale,
                               betaInitializer: betaInitializer, gammaInitializer: gammaInitializer, name: name)
    }
}
