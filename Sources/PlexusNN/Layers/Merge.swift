import PlexusTensor
/// The elementwise merges of Keras 3: `Add`, `Subtract`, `Multiply`, `Average`, `Maximum`,
/// `Minimum`. Inputs must agree on their batch size and broadcast on the other dimensions
/// (`ShapeRule.broadcast`: each pair equal, or one of them 1); a size unknown in any input is
/// reported unknown, as Keras reports it.
public class Merge: Layer {
    override public var inputArity: ClosedRange<Int> { 1...Int.max }

    override public func computeOutputShape(_ inputShapes: [[Int?]]) throws -> [Int?] {
        let batches = Set(inputShapes.compactMap { $0.first ?? nil })
        guard inputShapes.allSatisfy({ !$0.isEmpty }) else {
            throw shapeError("expects inputs with a batch dimension", allOf: inputShapes)
        }
        guard batches.count <= 1 else {
            throw shapeError("cannot merge tensors with different batch sizes", allOf: inputShapes)
        }
        var out = Array(inputShapes[0].dropFirst())
        do {
            for s in inputShapes.dropFirst() { out = try ShapeRule.broadcast(out, Array(s.dropFirst())) }
        } catch {
            throw shapeError("expects inputs of one shape (or broadcastable: each dimension equal or 1)", allOf: inputShapes)
        }
        // Keras's merge layers report a size as unknown when it is unknown in any input
        // (`_compute_elemwise_op_output_shape`), where the rule knows it must be the known size.
        for s in inputShapes {
            for (i, d) in s.dropFirst().reversed().enumerated() where d == nil { out[out.count - 1 - i] = nil }
        }
        return [batches.first] + out
    }

    /// Combines the values from the left with `op`, broadcasting. An input of lower rank first
    /// gets axes of size 1 after its batch axis, as Keras's `Merge.call` expands it, so that
    /// `(batch, 4)` meets `(batch, 3, 4)` as `(batch, 1, 4)`.
    func fold(_ inputs: [Variable], _ op: (Variable, Variable) throws -> Variable) throws -> Variable {
        try checkValueCount(inputs)
        let rank = inputs.map(\.shape.count).max() ?? 0
        let aligned = try inputs.map { v -> Variable in
            let s = v.shape
            guard s.count < rank, let batch = s.first else { return v }
            return try v.reshape([batch] + [Int](repeating: 1, count: rank - s.count) + s.dropFirst())
        }
        var acc = aligned[0]
        for v in aligned.dropFirst() { acc = try op(acc, v) }
        return acc
    }
}

/// Keras `Add()`: the elementwise sum of its inputs (a residual connection).
public final class Add: Merge, ActivationFusing {
    public init(name: String? = nil) throws { try super.init(typeName: "Add", name: name) }
    override public func makeUnbuiltCopy(name: String) throws -> Layer { try Add(name: name) }
    override public func forward(_ inputs: [Variable], context: ForwardContext) throws -> Variable {
        try fold(inputs) { try $0 + $1 }
    }

    /// None of its own: the plan hands an `Add` the activation of an `Activation` or `ReLU` that
    /// is its only reader (ResNet's block ending), run as one pass by `addActivated`.
    var activation: ActivationFunction { .linear }

    func forward(_ inputs: [Variable], context: ForwardContext, activation: ActivationFunction) throws -> Variable {
        try checkValueCount(inputs)
        if inputs.count == 2, inputs[0].shape == inputs[1].shape {
            return try addActivated(inputs[0], inputs[1], activation: activation)
        }
        return try activation.apply(forward(inputs, context: context))
    }
}

/// Keras `Subtract()`: the first input minus the second (exactly two).
public final class Subtract: Merge {
    public init(name: String? = nil) throws { try super.init(typeName: "Subtract", name: name) }
    override public var inputArity: ClosedRange<Int> { 2...2 }
    override public func makeUnbuiltCopy(name: String) throws -> Layer { try Subtract(name: name) }
    override public func forward(_ inputs: [Variable], context: ForwardContext) throws -> Variable {
        try checkValueCount(inputs)
        return try inputs[0] - inputs[1]
    }
}

/// Keras `Multiply()`: the elementwise product of its inputs.
public final class Multiply: Merge {
    public init(name: String? = nil) throws { try super.init(typeName: "Multiply", name: name) }
    override public func makeUnbuiltCopy(name: String) throws -> Layer { try Multiply(name: name) }
    override public func forward(_ inputs: [Variable], context: ForwardContext) throws -> Variable {
        try fold(inputs) { try $0 * $1 }
    }
}

/// Keras `Average()`: the elementwise mean of its inputs.
public final class Average: Merge {
    public init(name: String? = nil) throws { try super.init(typeName: "Average", name: name) }
    override public func makeUnbuiltCopy(name: String) throws -> Layer { try Average(name: name) }
    /// The sum of the inputs times `1 / n`.
    override public func forward(_ inputs: [Variable], context: ForwardContext) throws -> Variable {
        let total = try fold(inputs) { try $0 + $1 }
        return inputs.count == 1 ? total : total * (1 / Float(inputs.count))
    }
}

/// Keras `Maximum()`: the elementwise maximum of its inputs.
public final class Maximum: Merge {
    public init(name: String? = nil) throws { try super.init(typeName: "Maximum", name: name) }
    override public func makeUnbuiltCopy(name: String) throws -> Layer { try Maximum(name: name) }
    /// Pairwise maxima from the left; where values tie the gradient is shared (see `maximum`).
    override public func forward(_ inputs: [Variable], context: ForwardContext) throws -> Variable {
        try fold(inputs) { try maximum($0, $1) }
    }
}

/// Keras `Minimum()`: the elementwise minimum of its inputs.
public final class Minimum: Merge {
    public init(name: String? = nil) throws { try super.init(typeName: "Minimum", name: name) }
    override public func makeUnbuiltCopy(name: String) throws -> Layer { try Minimum(name: name) }
    /// Pairwise minima from the left; where values tie the gradient is shared (see `minimum`).
    override public func forward(_ inputs: [Variable], context: ForwardContext) throws -> Variable {
        try fold(inputs) { try minimum($0, $1) }
    }
}

/// Keras `Concatenate(axis=-1)`: joins its inputs along `axis`; all other dimensions must match
/// (an unknown size matches anything).
public final class Concatenate: Layer {
    /// The `concat` builtin is written by hand (it also joins tensors of values), so this spec
    /// serves Keras, `config` and copies.
    public static let spec = LayerSpec(
        "Concatenate", builtin: nil,
        arguments: [ArgumentSpec("axis", .integer, default: .int(-1), doc: "the axis the inputs are joined on")],
        help: "Joins its inputs along `axis` (Keras Concatenate); see the concat builtin.", example: "y = concat(a, b)",
        make: { try Concatenate(arguments: $0, name: $1) })

    public let axis: Int

    public init(arguments: LayerArguments, name: String?) throws {
        axis = try arguments.int("axis")
        try super.init(typeName: Concatenate.spec.className, name: name, arguments: arguments)
    }

    public convenience init(axis: Int = -1, name: String? = nil) throws {
        try self.init(arguments: Concatenate.spec.arguments(["axis": .int(axis)]), name: name)
    }

    override public var inputArity: ClosedRange<Int> { 1...Int.max }

    override public func computeOutputShape(_ inputShapes: [[Int?]]) throws -> [Int?] {
        let rank = inputShapes[0].count
        guard inputShapes.allSatisfy({ $0.count == rank }), let a = ShapeRule.normalizedAxis(axis, rank: rank), a > 0 else {
            throw shapeError("expects inputs of one rank with an axis \(axis) to join on (not the batch axis)", allOf: inputShapes)
        }
        var out = inputShapes[0]
        for s in inputShapes.dropFirst() {
            for d in 0..<rank where d != a {
                switch (out[d], s[d]) {
                case let (x?, y?) where x != y:
                    throw shapeError("expects inputs whose shapes match except on axis \(axis)", allOf: inputShapes)
                case (nil, let y): out[d] = y
                default: break
                }
            }
            out[a] = out[a].flatMap { x in s[a].map { x + $0 } }
        }
        return out
    }

    override public func forward(_ inputs: [Variable], context: ForwardContext) throws -> Variable {
        try checkValueCount(inputs)
        return inputs.count == 1 ? inputs[0] : try concat(inputs, axis: axis)
    }
}

/// `inputs[0] + scale * inputs[1]`: the residual connection of Keras's InceptionResNetV2, whose
/// file names it `CustomScaleLayer` (a class of keras.applications, not of keras.layers). Plexus
/// reads and writes it under that class, so the application's files come in and go out whole.
public final class ScaledAdd: Merge {
    public let scale: Float

    public init(scale: Float, name: String? = nil) throws {
        guard scale.isFinite else { throw Layer.argumentError("CustomScaleLayer", "scale must be a finite number, got \(scale)") }
        self.scale = scale
        try super.init(typeName: "CustomScaleLayer", name: name)
    }

    override public var inputArity: ClosedRange<Int> { 2...2 }
    override public var config: [(key: String, value: String)] { [("scale", cfg(scale))] }
    override public func makeUnbuiltCopy(name: String) throws -> Layer { try ScaledAdd(scale: scale, name: name) }
    override public func forward(_ inputs: [Variable], context: ForwardContext) throws -> Variable {
        try checkValueCount(inputs)
        return try fold([inputs[0], inputs[1] * scale]) { try $0 + $1 }
    }
}
