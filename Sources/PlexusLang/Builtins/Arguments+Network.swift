import PlexusTensor
import PlexusNN
// The kinds of value the network builtins accept, and the conversions from language values to the
// arguments PlexusNN takes (sizes, padding, activations, initializers, shapes, axes).

extension ValueKind {
    /// What a layer applies to: a graph node, or a weight standing for one.
    public static let symbolicLike = ValueKind("a symbolic tensor or a weight") {
        switch $0 {
        case .symbolic, .weight: true
        default: false
        }
    }
    /// Anything tensor algebra takes: a graph node, a weight or a concrete tensor.
    public static let tensorLike = ValueKind("a tensor, a symbolic tensor or a weight") {
        switch $0 {
        case .symbolic, .weight, .tensor: true
        default: false
        }
    }
    public static let tuple = ValueKind("a tuple") { if case .tuple = $0 { true } else { false } }
    public static let range = ValueKind("a range") { if case .range = $0 { true } else { false } }
    /// A tensor of values (not a graph node).
    public static let tensor = ValueKind("a tensor") { if case .tensor = $0 { true } else { false } }
    public static let weight = ValueKind("a weight") { if case .weight = $0 { true } else { false } }
    /// A layer that is not a model.
    public static let layer = ValueKind("a layer") { if case .layer = $0 { true } else { false } }
    public static let model = ValueKind("a model") { if case .model = $0 { true } else { false } }
    public static let dataset = ValueKind("a dataset") { if case .dataset = $0 { true } else { false } }
    /// Keras's sizes: one integer for both spatial axes, or two `(height, width)`.
    public static let size2D = ValueKind("an integer or a pair of integers") { Value.size2DParts($0) != nil }
    /// An activation value (`relu`) or its Keras name (`"relu"`).
    public static let activationFunction = ValueKind(
        "an activation (relu, \"relu\", ...)", choices: ActivationFunction.allNames
    ) { v in
        switch v {
        case .activation: return true
        case .string(let s): return ActivationFunction(name: s) != nil
        default: return false
        }
    }
    /// An initializer's Keras name, or a number for a constant.
    public static let initializer = ValueKind(
        "an initializer (\"glorot_uniform\", \"zeros\", ...) or a number", choices: Initializer.knownNames
    ) { v in
        switch v {
        case .number: return true
        case .string(let s): return Initializer(name: s) != nil
        default: return false
        }
    }
    /// An axis or several: `1`, `[1, 2]`.
    public static let axes = ValueKind("an integer or a list of integers") { v in
        if v.integer != nil { return true }
        if case .list(let xs) = v { return xs.allSatisfy { $0.integer != nil } }
        if case .tuple(let xs) = v { return xs.allSatisfy { $0.integer != nil } }
        return false
    }
    /// Sizes given one by one (`zeros(2, 3)`) or as one list or tuple (`zeros([2, 3])`).
    public static let sizes = ValueKind("an integer, or one list of them") { v in
        switch v {
        case .number, .list, .tuple: return true
        default: return false
        }
    }
    /// A size in a shape, or `none` where it is unknown.
    public static let dimension = ValueKind("an integer or none") { v in
        if case .nothing = v { return true }
        return v.integer != nil
    }
}

extension Value {
    /// The (height, width) of `3`, `[3]`, `[3, 5]` or `(3, 5)`.
    static func size2DParts(_ v: Value) -> (Int, Int)? {
        if let n = v.integer { return (n, n) }
        switch v {
        case .list(let xs), .tuple(let xs):
            let ints = xs.compactMap(\.integer)
            guard ints.count == xs.count else { return nil }
            if ints.count == 1 { return (ints[0], ints[0]) }
            if ints.count == 2 { return (ints[0], ints[1]) }
            return nil
        default: return nil
        }
    }

    /// The integers of an integer, a list, a tuple or a range; `nil` if anything else is in it.
    var integers: [Int]? {
        if let n = integer { return [n] }
        switch self {
        case .list(let xs), .tuple(let xs):
            let ints = xs.compactMap(\.integer)
            return ints.count == xs.count ? ints : nil
        case .range(let r): return (0..<r.count).map { r[$0] }
        default: return nil
        }
    }
}

extension Arguments {
    /// A float argument, which must be finite.
    public func float(_ name: String) throws -> Float {
        let d = try number(name)
        guard d.isFinite, abs(d) <= Double(Float.greatestFiniteMagnitude) else {
            throw error("\(name) must be a finite number, got \(Value.format(d))", at: name)
        }
        return Float(d)
    }

    /// A string argument that may be `none`.
    public func optionalString(_ name: String) throws -> String? {
        isNone(name) ? nil : try string(name)
    }

    /// An integer argument that may be `none`.
    public func optionalInt(_ name: String) throws -> Int? {
        isNone(name) ? nil : try int(name)
    }

    /// A float argument that may be `none`.
    public func optionalFloat(_ name: String) throws -> Float? {
        isNone(name) ? nil : try float(name)
    }

    /// Keras's `3` or `(3, 5)` as a `Size2D`.
    public func size2D(_ name: String) throws -> Size2D {
        guard let (h, w) = Value.size2DParts(self[name]) else { throw kindError(name, "an integer or a pair of integers") }
        return Size2D(h, w)
    }

    /// A `Size2D` argument that may be `none` (pooling strides default to the pool size).
    public func optionalSize2D(_ name: String) throws -> Size2D? {
        isNone(name) ? nil : try size2D(name)
    }

    /// `"valid"` or `"same"` in any case, as Keras (the kind has already been checked by the binder).
    public func padding(_ name: String) throws -> Padding {
        switch try string(name).lowercased() {
        case "same": return .same
        case "valid": return .valid
        default: throw kindError(name, "one of \"valid\", \"same\"")
        }
    }

    /// An activation given as a value (`relu`), a name (`"relu"`) or `none` (linear).
    public func activation(_ name: String) throws -> ActivationFunction {
        switch self[name] {
        case .nothing: return .linear
        case .activation(let f): return f
        case .string(let s):
            if let f = ActivationFunction(name: s) { return f }
            throw kindError(name, "an activation (relu, \"relu\", ...)")
        default: throw kindError(name, "an activation (relu, \"relu\", ...)")
        }
    }

    /// An initializer by Keras name, or a number for a constant.
    public func initializer(_ name: String) throws -> Initializer {
        switch self[name] {
        case .number: return .constant(try float(name))   // finite as a Float32
        case .string(let s):
            if let i = Initializer(name: s) { return i }
            throw kindError(name, "an initializer (\"glorot_uniform\", \"zeros\", ...)")
        default: throw kindError(name, "an initializer (\"glorot_uniform\", \"zeros\", ...) or a number")
        }
    }

    /// Axes given as one integer or a list; `nil` for `none` (all axes).
    public func axes(_ name: String) throws -> [Int]? {
        if isNone(name) { return nil }
        guard let xs = self[name].integers else { throw kindError(name, "an integer or a list of integers") }
        return xs
    }

    public func model(_ name: String) throws -> Model {
        guard case .model(let m) = self[name] else { throw kindError(name, "a model") }
        return m
    }

    public func dataset(_ name: String) throws -> Dataset {
        guard case .dataset(let d) = self[name] else { throw kindError(name, "a dataset") }
        return d
    }

    /// Sizes given as the variadic arguments (`zeros(2, 3)`) or as one list or tuple (`zeros([2, 3])`),
    /// each positive (or `none` where `allowUnknown`, or -1 once where `allowInferred`).
    func shapeArguments(_ what: String, allowUnknown: Bool = false, allowInferred: Bool = false) throws -> [Int?] {
        var items = variadic
        var spans = variadicSpans
        if items.count == 1 {
            switch items[0] {
            case .list(let xs), .tuple(let xs):
                items = xs
                spans = Array(repeating: variadicSpans[0], count: xs.count)
            default: break
            }
        }
        var shape: [Int?] = []
        var inferred = false
        for (v, span) in zip(items, spans) {
            if case .nothing = v, allowUnknown {
                shape.append(nil)
                continue
            }
            guard let n = v.integer else {
                throw Diagnostic("\(callee): \(what) must be \(allowUnknown ? "integers or none" : "integers"), got \(v.kindAndValue)", at: span)
            }
            if n == -1, allowInferred, !inferred {
                inferred = true
                shape.append(n)
                continue
            }
            guard n > 0 else {
                let allowed = allowInferred ? "positive (or -1 once, for the size to infer)" : "positive"
                throw Diagnostic("\(callee): \(what) must be \(allowed), got \(n)", at: span)
            }
            guard n <= maximumDimension else {
                throw Diagnostic("\(callee): \(what) must be at most \(formatCount(maximumDimension)) (2^31 - 1), got \(formatCount(n))", at: span)
            }
            shape.append(n)
        }
        if let problem = shapeSizeProblem(shape.map { $0 == -1 ? nil : $0 }) {
            throw Diagnostic("\(callee): shape \(formatSymbolicShape(shape)) \(problem)", at: callSpan)
        }
        return shape
    }

    /// Known sizes from `shapeArguments`.
    func knownShapeArguments(_ what: String, allowInferred: Bool = false) throws -> [Int] {
        try shapeArguments(what, allowInferred: allowInferred).map { $0 ?? -1 }
    }

    /// Runs `body`, a call into the libraries below, turning its error into a diagnostic that
    /// points at the argument the error names, else at `about` (the argument the call site knows
    /// the library is checking, such as a path), else at the call.
    ///
    /// `Conv2D: filters must be positive, got 0` becomes `conv2d: filters must be positive, got 0`
    /// with a caret under the `0`.
    public func attempt<T>(about: String? = nil, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw Diagnostic(error, in: self, about: about)
        }
    }
}

/// The `name:` keyword every layer takes.
// nonisolated(unsafe): immutable after its lazy, thread-safe initialisation; its default is a literal
// Value (not Sendable as a type, because Value can also hold models), never mutated.
nonisolated(unsafe) let nameParam = Param("name", .optional(.string), default: .nothing)
