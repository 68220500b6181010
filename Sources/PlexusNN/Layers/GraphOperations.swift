import PlexusTensor
// Tensor algebra on symbolic tensors and weights, each a graph node like a layer call, so that a
// layer's kernel can be an expression: `W = transpose(reshape(matmul(a, b), ...))`.
//
// These follow NumPy semantics on whole shapes (no implicit batch dimension): expressions of
// weights have none, and an expression mixing a batched tensor with a weight broadcasts as
// NumPy would.

/// Elementwise `+ - * /` of two tensors with NumPy broadcasting (Keras's `ops.add`, ...).
public final class ElementwiseOp: Layer {
    public enum Kind: String { case add, subtract, multiply, divide }
    public let kind: Kind

    public init(_ kind: Kind, name: String? = nil) throws {
        self.kind = kind
        try super.init(typeName: kind.rawValue.prefix(1).uppercased() + kind.rawValue.dropFirst(), name: name)
    }

    override public var inputArity: ClosedRange<Int> { 2...2 }

    override public func computeOutputShape(_ inputShapes: [[Int?]]) throws -> [Int?] {
        do {
            return try ShapeRule.broadcast(inputShapes[0], inputShapes[1])
        } catch {
            throw shapeError("expects inputs that broadcast (aligned from the right, each dimension equal or 1), but they \(error)", allOf: inputShapes)
        }
    }

    override public func makeUnbuiltCopy(name: String) throws -> Layer { try ElementwiseOp(kind, name: name) }

    override public func forward(_ inputs: [Variable], context: ForwardContext) throws -> Variable {
        try checkValueCount(inputs)
        let a = inputs[0], b = inputs[1]
        switch kind {
        case .add: return try a + b
        case .subtract: return try a - b
        case .multiply: return try a * b
        case .divide: return try a / b
        }
    }
}

/// Matrix product with NumPy's `matmul` rules: `(..., n, k) x (..., k, m) -> (..., n, m)`, the
/// leading dimensions broadcast, a 1-D operand treated as a row (left) or column (right) vector.
public final class MatMul: Layer {
    public init(name: String? = nil) throws { try super.init(typeName: "Matmul", name: name) }

    override public var inputArity: ClosedRange<Int> { 2...2 }

    override public func computeOutputShape(_ inputShapes: [[Int?]]) throws -> [Int?] {
        do {
            return try ShapeRule.matmul(inputShapes[0], inputShapes[1])
        } catch {
            throw shapeError("expects operands NumPy's matmul takes, but they \(error)", allOf: inputShapes)
        }
    }

    override public func makeUnbuiltCopy(name: String) throws -> Layer { try MatMul(name: name) }

    /// The tensor library's `matmul`, which follows the same rule on values.
    override public func forward(_ inputs: [Variable], context: ForwardContext) throws -> Variable {
        try checkValueCount(inputs)
        return try matmul(inputs[0], inputs[1])
    }
}

/// Reshape of a whole tensor (Keras's `ops.reshape`; unlike the `Reshape` layer the shape
/// includes the batch dimension, if the tensor has one). One size may be -1.
public final class ReshapeOp: Layer {
    public let newShape: [Int]

    public init(_ newShape: [Int], name: String? = nil) throws {
        try checkTargetShape(newShape, "the new shape", of: "reshape")
        self.newShape = newShape
        try super.init(typeName: "Reshape", name: name)
    }

    override public var config: [(key: String, value: String)] { [("new_shape", cfg(newShape))] }

    override public func computeOutputShape(_ inputShapes: [[Int?]]) throws -> [Int?] {
        let s = inputShapes[0]
        if knownProduct(s) == nil, !newShape.contains(-1) {
            throw shapeError("cannot check a reshape of a tensor with unknown sizes to \(cfg(newShape))", input: 0, inputShapes,
                             hint: "write -1 where the unknown size (the batch) goes")
        }
        do {
            return try ShapeRule.reshape(s, to: newShape)
        } catch {
            throw shapeError("expects an input it can reshape, but it \(error)", input: 0, inputShapes)
        }
    }

    override public func makeUnbuiltCopy(name: String) throws -> Layer { try ReshapeOp(newShape, name: name) }

    override public func forward(_ inputs: [Variable], context: ForwardContext) throws -> Variable {
        try checkValueCount(inputs)
        return try inputs[0].reshape(newShape)
    }
}

/// Permutation of all dimensions (NumPy `transpose`); reverses them when `axes` is nil.
public final class Transpose: Layer {
    public let axes: [Int]?

    public init(axes: [Int]? = nil, name: String? = nil) throws {
        self.axes = axes
        try super.init(typeName: "Transpose", name: name)
    }

    override public var config: [(key: String, value: String)] { [("axes", axes.map(cfg) ?? "none")] }

    override public func computeOutputShape(_ inputShapes: [[Int?]]) throws -> [Int?] {
        let s = inputShapes[0]
        guard let axes else { return s.reversed() }
        let resolved = axes.compactMap { ShapeRule.normalizedAxis($0, rank: s.count) }
        guard resolved.count == s.count, resolved.count == axes.count, Set(resolved).count == s.count else {
            throw shapeError("expects axes \(cfg(axes)) to be a permutation of the input's \(s.count) dimensions", input: 0, inputShapes)
        }
        return resolved.map { s[$0] }
    }

    override public func makeUnbuiltCopy(name: String) throws -> Layer { try Transpose(axes: axes, name: name) }

    override public func forward(_ inputs: [Variable], context: ForwardContext) throws -> Variable {
        try checkValueCount(inputs)
        let x = inputs[0]
        return try x.permute(axes ?? Array((0..<x.shape.count).reversed()))
    }
}

/// Sum or mean over axes (all when `axes` is nil), keeping them as size 1 with `keepdims`.
public final class Reduction: Layer {
    public enum Kind: String { case sum, mean }
    public let kind: Kind
    public let axes: [Int]?
    public let keepdims: Bool

    public init(_ kind: Kind, axes: [Int]? = nil, keepdims: Bool = false, name: String? = nil) throws {
        self.kind = kind
        self.axes = axes
        self.keepdims = keepdims
        try super.init(typeName: kind == .sum ? "Sum" : "Mean", name: name)
    }

    override public var config: [(key: String, value: String)] {
        [("axis", axes.map(cfg) ?? "none"), ("keepdims", cfg(keepdims))]
    }

    override public func computeOutputShape(_ inputShapes: [[Int?]]) throws -> [Int?] {
        let s = inputShapes[0]
        let reduced: Set<Int>
        if let axes {
            let resolved = axes.compactMap { ShapeRule.normalizedAxis($0, rank: s.count) }
            guard resolved.count == axes.count, Set(resolved).count == resolved.count else {
                throw shapeError("expects distinct axes \(cfg(axes)) within the input's \(s.count) dimensions", input: 0, inputShapes)
            }
            reduced = Set(resolved)
        } else {
            reduced = Set(s.indices)
        }
        return s.indices.compactMap { (i: Int) -> Int?? in
            reduced.contains(i) ? (keepdims ? .some(1) : nil) : .some(s[i])
        }
    }

    override public func makeUnbuiltCopy(name: String) throws -> Layer {
        try Reduction(kind, axes: axes, keepdims: keepdims, name: name)
    }

    override public func forward(_ inputs: [Variable], context: ForwardContext) throws -> Variable {
        try checkValueCount(inputs)
        switch kind {
        case .sum: return try inputs[0].sum(axes: axes, keepDims: keepdims)
        case .mean: return try inputs[0].mean(axes: axes, keepDims: keepdims)
        }
    }
}

// MARK: - Functions and operators

private func one(_ layer: Layer, _ inputs: [any SymbolicConvertible]) throws -> SymbolicTensor {
    try layer(inputs)
}

/// `a + b` as a graph node (broadcasting).
public func add(_ a: any SymbolicConvertible, _ b: any SymbolicConvertible, name: String? = nil) throws -> SymbolicTensor {
    try one(ElementwiseOp(.add, name: name), [a, b])
}
/// `a - b` as a graph node (broadcasting).
public func subtract(_ a: any SymbolicConvertible, _ b: any SymbolicConvertible, name: String? = nil) throws -> SymbolicTensor {
    try one(ElementwiseOp(.subtract, name: name), [a, b])
}
/// `a * b` elementwise as a graph node (broadcasting).
public func multiply(_ a: any SymbolicConvertible, _ b: any SymbolicConvertible, name: String? = nil) throws -> SymbolicTensor {
    try one(ElementwiseOp(.multiply, name: name), [a, b])
}
/// `a / b` elementwise as a graph node (broadcasting).
public func divide(_ a: any SymbolicConvertible, _ b: any SymbolicConvertible, name: String? = nil) throws -> SymbolicTensor {
    try one(ElementwiseOp(.divide, name: name), [a, b])
}
/// The matrix product `a @ b` as a graph node.
public func matmul(_ a: any SymbolicConvertible, _ b: any SymbolicConvertible, name: String? = nil) throws -> SymbolicTensor {
    try one(MatMul(name: name), [a, b])
}
/// `x` with a new shape (all dimensions, one may be -1) as a graph node.
public func reshape(_ x: any SymbolicConvertible, _ shape: [Int], name: String? = nil) throws -> SymbolicTensor {
    try one(ReshapeOp(shape, name: name), [x])
}
/// `x` with its dimensions permuted (reversed by default) as a graph node.
public func transpose(_ x: any SymbolicConvertible, _ axes: [Int]? = nil, name: String? = nil) throws -> SymbolicTensor {
    try one(Transpose(axes: axes, name: name), [x])
}
/// The sum of `x` over `axes` (all by default) as a graph node.
public func sum(_ x: any SymbolicConvertible, axes: [Int]? = nil, keepdims: Bool = false, name: String? = nil) throws -> SymbolicTensor {
    try one(Reduction(.sum, axes: axes, keepdims: keepdims, name: name), [x])
}
/// The mean of `x` over `axes` (all by default) as a graph node.
public func mean(_ x: any SymbolicConvertible, axes: [Int]? = nil, keepdims: Bool = false, name: String? = nil) throws -> SymbolicTensor {
    try one(Reduction(.mean, axes: axes, keepdims: keepdims, name: name), [x])
}

extension SymbolicConvertible {
    /// `a + b` of symbolic tensors or weights: a graph node.
    public static func + <B: SymbolicConvertible>(a: Self, b: B) throws -> SymbolicTensor { try add(a, b) }
    /// `a - b` of symbolic tensors or weights: a graph node.
    public static func - <B: SymbolicConvertible>(a: Self, b: B) throws -> SymbolicTensor { try subtract(a, b) }
    /// `a * b` elementwise of symbolic tensors or weights: a graph node.
    public static func * <B: SymbolicConvertible>(a: Self, b: B) throws -> SymbolicTensor { try multiply(a, b) }
    /// `a / b` elementwise of symbolic tensors or weights: a graph node.
    public static func / <B: SymbolicConvertible>(a: Self, b: B) throws -> SymbolicTensor { try divide(a, b) }
}
