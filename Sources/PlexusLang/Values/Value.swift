import PlexusTensor
import PlexusNN
/// A value of the Plexus language.
///
/// Adding a case: add it here and extend the four exhaustive switches in this file (`kindName`,
/// `repr`, `description`, `==`). The network values (layers, models, symbolic tensors, weights,
/// tensors, datasets, optimisers, activations) print and compare through `Value+Network.swift`.
/// Everything else in the interpreter switches with a `default` that reports "cannot ... a <kind>",
/// so a new case compiles at once and gains behaviour where you add it:
/// calls in `Interpreter.call(_:_:at:)`, `.name` in `Interpreter.member(_:_:at:)`, `[i]` in
/// `Interpreter.index(_:_:at:)`, operators in `Interpreter+Operators.swift`, iteration in
/// `Interpreter.forEachElement`. Reference types (layers, models, weights) should be final classes
/// so values share them, which is what weight sharing means.
public enum Value {
    case number(Double)
    case string(String)
    case bool(Bool)
    /// The language's `none` (named apart from `Optional.none`, which `.none` would silently mean
    /// wherever a `Value?` is expected).
    case nothing
    case list([Value])
    case tuple([Value])
    /// `a..b` (both ends included) or `range(start, stop, step)`.
    case range(RangeValue)
    /// A `def` with the scope it closes over.
    case function(Function)
    case builtin(Builtin)
    /// A layer that is not a model (`dense(10)`); calling it on symbolic tensors applies it.
    case layer(Layer)
    /// A functional model: a layer too, kept apart because it has members of its own.
    case model(Model)
    /// A graph node: a shape (batch first, `none` where unknown) and the call that produced it.
    case symbolic(SymbolicTensor)
    /// A weight: a parameter tensor with identity, shape and trainability, storage on demand.
    case weight(Weight)
    /// A concrete tensor of values (`zeros(2, 3)`, `npy(path)`).
    case tensor(Tensor)
    case dataset(Dataset)
    case optimizer(Optimizer)
    /// The weight values of a model at one moment (`snapshot(m)`), for `changed(snap, m)`.
    case snapshot(WeightSnapshot)
    /// An activation function (`relu`): a layer argument, applied by calling it.
    case activation(ActivationFunction)
    /// What `cuts(m)` returns: the cut tensors, a list to index and loop over, shown as a table.
    case cuts(CutList)
    /// Named figures in order (`costs(m)`), read as members or by name.
    case record(Record)

    /// The kind's name in messages: "a number", "a list".
    public var kindName: String {
        switch self {
        case .number: return "a number"
        case .string: return "a string"
        case .bool: return "a boolean"
        case .nothing: return "none"
        case .list: return "a list"
        case .tuple: return "a tuple"
        case .range: return "a range"
        case .function: return "a function"
        case .record: return "a record"
        case .builtin: return "a builtin function"
        case .layer, .model, .symbolic, .weight, .tensor, .dataset, .optimizer, .snapshot, .activation, .cuts: return networkKindName
        }
    }

    /// The form printed at the prompt: strings quoted and escaped, numbers as Swift shows them.
    public var repr: String {
        switch self {
        case .string(let s): return Value.quote(s)
        case .number, .bool, .nothing, .list, .tuple, .range, .function, .builtin, .record,
             .layer, .model, .symbolic, .weight, .tensor, .dataset, .optimizer, .snapshot, .activation, .cuts:
            return description
        }
    }

    /// The form `print` and `str` produce: like `repr`, but a string is its own text.
    public var description: String {
        switch self {
        case .number(let d): return Value.format(d)
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .nothing: return "none"
        case .list(let items): return "[" + items.map(\.nestedRepr).joined(separator: ", ") + "]"
        case .tuple(let items):
            if items.count == 1 { return "(" + items[0].nestedRepr + ",)" }
            return "(" + items.map(\.nestedRepr).joined(separator: ", ") + ")"
        case .range(let r): return r.description
        case .function(let f): return f.description
        case .builtin(let b): return "<builtin \(b.name)>"
        case .record(let r): return r.description
        case .layer, .model, .symbolic, .weight, .tensor, .dataset, .optimizer, .snapshot, .activation, .cuts: return networkDescription
        }
    }

    /// A kind and, when short, the value: `a number (3)`, `a string ("ten")`, `a list`.
    public var kindAndValue: String {
        let shown = repr
        switch self {
        case .nothing: return "none"
        case .function, .builtin: return shown
        default: return shown.count <= 24 ? "\(kindName) (\(shown))" : kindName
        }
    }

    /// Numbers print as Swift shows them, without a trailing `.0` on whole numbers: `3`, `0.5`, `1e-05`.
    public static func format(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        if d == d.rounded(), abs(d) < 1e16 { return String(Int64(d)) }
        return "\(d)"
    }

    /// A string as source would spell it, with the lexer's escapes.
    public static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out += visibleForm(of: scalar)   // a control character as `\x1b`
            }
        }
        return out + "\""
    }

    /// The number as an exact integer, if it is one (and small enough to index with).
    public var integer: Int? {
        guard case .number(let d) = self, d == d.rounded(), abs(d) < 9.0e15 else { return nil }
        return Int(d)
    }
}

extension Value: Equatable {
    /// Structural equality for data (numbers, strings, lists...), identity for functions.
    public static func == (a: Value, b: Value) -> Bool {
        // One switch on `a` (a switch on the pair is more than the compiler can check for
        // exhaustiveness in reasonable time with this many cases).
        switch a {
        case .number(let x): if case .number(let y) = b { return x == y }
        case .string(let x): if case .string(let y) = b { return x == y }
        case .bool(let x): if case .bool(let y) = b { return x == y }
        case .nothing: if case .nothing = b { return true }
        case .list(let x): if case .list(let y) = b { return x == y }
        case .tuple(let x): if case .tuple(let y) = b { return x == y }
        case .range(let x): if case .range(let y) = b { return x == y }
        case .function(let x): if case .function(let y) = b { return x === y }
        case .builtin(let x): if case .builtin(let y) = b { return x === y }
        case .record(let x): if case .record(let y) = b { return x == y }
        case .layer, .model, .symbolic, .weight, .tensor, .dataset, .optimizer, .snapshot, .activation, .cuts:
            return Value.networkEqual(a, b)
        }
        return false
    }
}

extension Value: CustomStringConvertible {}

extension Value {
    /// The deepest lists and tuples may nest (`[[[1]]]` nests 3 deep).
    public static let maximumNesting = 200

    /// How deep lists and tuples nest in this value: 0 for anything else. Recursive, and safe:
    /// no value nests deeper than `maximumNesting`.
    var nesting: Int {
        switch self {
        case .list(let xs), .tuple(let xs): return 1 + (xs.lazy.map(\.nesting).max() ?? 0)
        default: return 0
        }
    }
}

/// An arithmetic progression of integers, `start` up to but excluding `stop` by `step` (Python's
/// `range`); `a..b` is `RangeValue(start: a, stop: b + 1, step: 1)`, both ends included.
///
/// Ranges stay lazy: `for i in 1..1000000` never builds a list.
public struct RangeValue: Equatable, Sendable, CustomStringConvertible {
    public var start: Int
    public var stop: Int
    public var step: Int

    /// - Parameter step: must not be zero (callers check and report).
    public init(start: Int, stop: Int, step: Int = 1) {
        self.start = start
        self.stop = stop
        assert(step != 0, "callers reject a zero step first")  // invariant
        self.step = step == 0 ? 1 : step
    }

    /// The inclusive range `low..high` (empty when `high < low`).
    public init(inclusive low: Int, _ high: Int) {
        self.init(start: low, stop: high < low ? low : high + 1, step: 1)
    }

    public var count: Int {
        if step > 0 { return stop > start ? (stop - start - 1) / step + 1 : 0 }
        return start > stop ? (start - stop - 1) / -step + 1 : 0
    }

    public subscript(i: Int) -> Int { start + i * step }

    /// Checks the first and last index with `resolve` before anything is allocated for the
    /// range's elements: a range is monotone, so when both ends are valid indices every index
    /// between them is (and `xs[0..1000000000000]` fails at once instead of reserving 32 TB).
    public func checkEnds(_ resolve: (Int) throws -> Int) rethrows {
        guard count > 0 else { return }
        _ = try resolve(self[0])
        _ = try resolve(self[count - 1])
    }

    public var description: String {
        if step == 1 { return count == 0 ? "\(start)..\(start - 1)" : "\(start)..\(stop - 1)" }
        return "range(\(start), \(stop), \(step))"
    }
}

/// A user function: its declaration, the scope it was defined in (a closure), and its defaults
/// (evaluated once, when `def` runs).
public final class Function: CustomStringConvertible {
    public let declaration: FunctionDecl
    public let closure: Environment
    public let signature: Signature

    init(declaration: FunctionDecl, closure: Environment, defaults: [Value?]) {
        self.declaration = declaration
        self.closure = closure
        var params: [Param] = []
        for (p, d) in zip(declaration.parameters, defaults) {
            params.append(Param(p.name, .any, default: d))
        }
        self.signature = Signature(positional: params)
    }

    public var name: String { declaration.name }

    public var description: String {
        let params = declaration.parameters.map { p in
            p.defaultValue.map { "\(p.name): \($0.span.text)" } ?? p.name
        }
        return "<function \(name)(\(params.joined(separator: ", ")))>"
    }
}
