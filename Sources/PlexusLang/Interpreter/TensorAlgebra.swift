import PlexusTensor
import PlexusNN
import Foundation

// Tensor algebra in the language: the same operator or builtin works on concrete tensors (it
// computes now) and on symbolic tensors and weights (it adds a graph node, so a layer's kernel can
// be an expression: `conv(x, sum(reshape(a, ...) * reshape(b, ...), axis: 1) |> ...)`).

/// One operand of tensor algebra, sorted by what can be done with it.
enum Operand {
    case number(Double)
    /// Values now: computed at once.
    case concrete(Tensor)
    /// A graph value: a symbolic tensor, or a weight standing for its source node.
    case graph(any SymbolicConvertible)

    init?(_ v: Value) {
        switch v {
        case .number(let d): self = .number(d)
        case .tensor(let t): self = .concrete(t)
        case .symbolic(let t): self = .graph(t)
        case .weight(let w): self = .graph(w)
        default: return nil
        }
    }

    var isNetwork: Bool {
        if case .number = self { return false }
        return true
    }
}

/// The suggestion for mixing values now with graph values.
let constantSuggestion = "a tensor of values joins a graph as constant(t) (a frozen weight holding it)"

enum TensorAlgebra {
    /// `a op b` for `+ - * /` (and `**` on tensors by a number), or `nil` when neither side is a
    /// tensor, symbolic tensor or weight (the caller reports it).
    ///
    /// Graph values combined with graph values become an elementwise node (NumPy broadcasting);
    /// with a number, a `Rescaling` layer (`x * 2`, `x - 1`, `1 - x`), so no weight is created.
    static func binary(_ op: BinaryOperator, _ a: Value, _ b: Value, at span: SourceSpan,
                       rightSpan: SourceSpan) throws -> Value? {
        guard let x = Operand(a), let y = Operand(b), x.isNetwork || y.isNetwork else { return nil }
        let symbol = op.rawValue
        switch (x, y) {
        case let (.concrete(s), .concrete(t)):
            return .tensor(try concrete(op, s, t, at: span))
        case let (.concrete(t), .number(c)):
            return .tensor(try scalar(op, t, Float(c), tensorFirst: true, at: span))
        case let (.number(c), .concrete(t)):
            return .tensor(try scalar(op, t, Float(c), tensorFirst: false, at: span))
        case let (.graph(s), .graph(t)):
            guard let kind = elementwiseKind(op) else {
                throw Diagnostic("'\(symbol)' is not defined on symbolic tensors and weights", at: span,
                                 suggestion: "graph expressions take + - * /, matmul, reshape, transpose, sum and mean")
            }
            return .symbolic(try ElementwiseOp(kind)([s, t]))
        case let (.graph(g), .number(c)):
            return .symbolic(try rescale(op, g, c, graphFirst: true, at: span, rightSpan: rightSpan))
        case let (.number(c), .graph(g)):
            return .symbolic(try rescale(op, g, c, graphFirst: false, at: span, rightSpan: rightSpan))
        case (.graph, .concrete), (.concrete, .graph):
            throw Diagnostic("cannot apply '\(symbol)' to \(a.kindName) and \(b.kindName): one holds values now, the other is a graph node",
                             at: span, suggestion: constantSuggestion)
        case (.number, .number):
            assertionFailure("two numbers reached the network operators")  // invariant: excluded by the guard above
            return nil
        }
    }

    static func elementwiseKind(_ op: BinaryOperator) -> ElementwiseOp.Kind? {
        switch op {
        case .add: return .add
        case .subtract: return .subtract
        case .multiply: return .multiply
        case .divide: return .divide
        default: return nil
        }
    }

    static func concrete(_ op: BinaryOperator, _ a: Tensor, _ b: Tensor, at span: SourceSpan) throws -> Tensor {
        switch op {
        case .add: return try a.arithmetic(.add, b, op: "add")
        case .subtract: return try a.arithmetic(.subtract, b, op: "subtract")
        case .multiply: return try a.arithmetic(.multiply, b, op: "multiply")
        case .divide: return try a.arithmetic(.divide, b, op: "divide")
        case .power: return try pow(a, b)
        default:
            throw Diagnostic("'\(op.rawValue)' is not defined on tensors", at: span)
        }
    }

    static func scalar(_ op: BinaryOperator, _ t: Tensor, _ c: Float, tensorFirst: Bool, at span: SourceSpan) throws -> Tensor {
        switch (op, tensorFirst) {
        case (.add, _): return t.mapElements { $0 + c }
        case (.multiply, _): return t.mapElements { $0 * c }
        case (.subtract, true): return t.mapElements { $0 - c }
        case (.subtract, false): return t.mapElements { c - $0 }
        case (.divide, true): return t.mapElements { $0 / c }
        case (.divide, false): return t.mapElements { c / $0 }
        case (.power, true): return pow(t, c)
        case (.power, false): return t.mapElements { powf(c, $0) }
        default:
            throw Diagnostic("'\(op.rawValue)' is not defined on tensors", at: span)
        }
    }

    /// `x op c` (or `c op x`) as `x * scale + offset`: a `Rescaling` layer.
    static func rescale(_ op: BinaryOperator, _ g: any SymbolicConvertible, _ c: Double, graphFirst: Bool,
                        at span: SourceSpan, rightSpan: SourceSpan) throws -> SymbolicTensor {
        let scale: Double, offset: Double
        switch (op, graphFirst) {
        case (.add, _): (scale, offset) = (1, c)
        case (.multiply, _): (scale, offset) = (c, 0)
        case (.subtract, true): (scale, offset) = (1, -c)
        case (.subtract, false): (scale, offset) = (-1, c)
        case (.divide, true):
            guard c != 0 else { throw Diagnostic("division by zero", at: rightSpan) }
            (scale, offset) = (1 / c, 0)
        default:
            throw Diagnostic(graphFirst ? "'\(op.rawValue)' by a number is not defined on symbolic tensors"
                                        : "cannot apply '\(op.rawValue)' with a symbolic tensor on the right of a number",
                             at: span, suggestion: "graph expressions take x + c, x - c, c - x, x * c and x / c")
        }
        guard Float(scale).isFinite, Float(offset).isFinite else {
            throw Diagnostic("'\(op.rawValue)' by \(Value.format(c)) gives a scale or offset beyond Float's range", at: span)
        }
        return try Rescaling(scale: Float(scale), offset: Float(offset))(g)
    }

    /// `-x`: a negated tensor now, or `Rescaling(-1)` in a graph.
    static func negate(_ v: Value) throws -> Value? {
        switch Operand(v) {
        case .concrete(let t): return .tensor(t.mapElements { -$0 })
        case .graph(let g): return .symbolic(try Rescaling(scale: -1)(g))
        default: return nil
        }
    }

    /// Whether a symbolic tensor carries a batch dimension: it depends on an `input(...)`.
    /// Expressions of weights alone do not (their shapes are fully known).
    static func hasBatchDimension(_ t: SymbolicTensor) -> Bool {
        !Model.findInputs([t]).isEmpty
    }
}

extension Interpreter {
    /// Operators on the network values, tried before the basic values report "cannot apply".
    func networkBinary(_ op: BinaryOperator, _ a: Value, _ b: Value, at span: SourceSpan,
                       rightSpan: SourceSpan) throws -> Value? {
        do {
            return try TensorAlgebra.binary(op, a, b, at: span, rightSpan: rightSpan)
        } catch {
            throw Diagnostic(error, at: span)
        }
    }

    func networkNegate(_ v: Value, at span: SourceSpan) throws -> Value? {
        do {
            return try TensorAlgebra.negate(v)
        } catch {
            throw Diagnostic(error, at: span)
        }
    }
}
