import PlexusTensor
/// A parameter tensor of a network, described by its shape and initializer, with storage created
/// only when first needed.
///
/// Identity matters: a layer owns its weights, every call of the layer (and every model that
/// contains it) reuses the same `Weight` objects, and parameter counts are taken over unique
/// weights. Defining layers, wiring graphs and printing summaries never allocates storage:
/// `variable` stays `nil` until `materialize(using:)` (a forward pass, training, `init`).
///
/// A weight can also be used as a value in a graph (`weight.symbolic`), so that a layer's kernel
/// may be an expression of weights: `W = sum_i a_i b_i` with `a` trainable and `b` frozen.
public final class Weight: CustomStringConvertible, SymbolicConvertible {
    /// What a weight is for: a parameter learned by gradients, or a statistic a layer updates
    /// itself (BatchNormalization's moving mean and variance), which is never trainable.
    public enum Role: Equatable { case parameter, statistic }

    /// The weight's own name: `kernel`, `bias`, `gamma`, `moving_mean`, or a user's name.
    public let name: String
    /// The concrete shape (weights have no batch dimension and no unknown sizes).
    public let shape: [Int]
    /// How the first values are drawn.
    public let initializer: Initializer
    /// Parameter or statistic.
    public let role: Role
    /// Where the weight lives: `conv2d/kernel` for a layer's weight, the name for a free weight.
    public internal(set) var path: String
    /// The weight this one was copied from by `copy(model)` (or derived from by surgery): its
    /// values are taken from there when this one materialises, reshaped when the shapes differ
    /// with the same element count (a Dense kernel becoming a Conv2D kernel).
    public internal(set) var copyOf: Weight?
    /// The storage, `nil` until materialised.
    public private(set) var variable: Variable?
    /// The number of elements.
    public let count: Int

    private var trainableFlag: Bool
    weak var sourceTensor: SymbolicTensor?

    /// Whether gradient steps update this weight. Statistics are never trainable; setting it on a
    /// materialised weight replaces its variable by one with the same value and the new flag.
    public var trainable: Bool {
        get { role == .parameter && trainableFlag }
        set {
            trainableFlag = newValue
            if let v = variable, v.requiresGrad != trainable {
                variable = Variable(v.value, requiresGrad: trainable, label: path)
            }
        }
    }

    /// A free weight (for expressions), named `name` or automatically `weight`, `weight_1`, ...
    ///
    /// - Throws: `NetworkError` when a dimension is not positive or the size overflows.
    public convenience init(name: String? = nil, shape: [Int], initializer: Initializer = .glorotUniform,
                            trainable: Bool = true) throws {
        let resolved: String
        if let name { NameScope.current.reserve(name); resolved = name } else { resolved = NameScope.current.uniqueName("weight") }
        try self.init(name: resolved, path: resolved, shape: shape, initializer: initializer,
                      trainable: trainable, role: .parameter)
    }

    init(name: String, path: String, shape: [Int], initializer: Initializer, trainable: Bool, role: Role) throws {
        guard shape.allSatisfy({ $0 > 0 && $0 <= maximumDimension }) else {
            throw NetworkError(path, "needs positive sizes for its shape, got \(formatShape(shape))")
        }
        self.count = try checkedProduct(shape, what: "weight", layer: path)
        self.name = name
        self.path = path
        self.shape = shape
        self.initializer = initializer
        self.role = role
        self.trainableFlag = trainable
    }

    /// Whether storage has been created.
    public var isMaterialized: Bool { variable != nil }

    /// Creates the storage if it does not exist yet and returns it.
    ///
    /// The values come from the initializer, drawn with `generator`; a copy made by `copy(model)`
    /// takes its source's values instead (materialising the source first if needed), reshaped to
    /// this weight's shape when the source has another shape with the same element count.
    @discardableResult
    public func materialize(using generator: inout RandomGenerator) throws -> Variable {
        if let variable { return variable }
        var value: Tensor
        if let source = copyOf {
            value = try source.materialize(using: &generator).value
            if value.shape != shape { value = try value.reshaped(to: shape) }
        } else {
            value = try initializer.tensor(shape: shape, using: &generator)
        }
        let v = Variable(value, requiresGrad: trainable, label: path)
        variable = v
        return v
    }

    /// Sets the value (loading weights, `set_weights`), materialising the weight if needed.
    public func assign(_ value: Tensor) throws {
        guard value.shape == shape else {
            throw NetworkError(path, "has shape \(formatShape(shape)); cannot assign a value of shape \(formatShape(value.shape))")
        }
        if let variable { try variable.assign(value) } else { variable = Variable(value, requiresGrad: trainable, label: path) }
    }

    /// Drops the storage; the next `materialize` draws fresh values.
    public func release() { variable = nil }

    /// The weight as a source node of a graph, without a batch dimension. Each use while the
    /// node is alive returns the same tensor, so an expression refers to one graph node per weight.
    public var symbolic: SymbolicTensor {
        if let t = sourceTensor { return t }
        let layer = WeightSource(weight: self)
        // invariant: a weight source has no inputs and one output
        let t = layer.makeSourceNode()
        sourceTensor = t
        return t
    }

    public var description: String {
        var s = "\(path) \(formatShape(shape)) \(initializer)"
        if role == .statistic { s += ", statistic" } else if !trainable { s += ", frozen" }
        s += variable == nil ? ", not materialised" : ", materialised"
        return s
    }
}

/// Marks a weight (or the weights of layers and models, see `Layer.freeze()`) non-trainable.
public func freeze(_ weight: Weight) { weight.trainable = false }
/// Makes a weight trainable again (statistics stay non-trainable).
public func unfreeze(_ weight: Weight) { weight.trainable = true }
