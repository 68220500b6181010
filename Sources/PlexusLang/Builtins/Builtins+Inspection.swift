import PlexusTensor

/// Reading a tensor of values: `argmax`, `top_k`, and `max` / `min` of a tensor (the reductions
/// `sum` and `mean` are in `Builtins+Tensors.swift`).
///
/// The rule for reductions to a scalar: `sum`, `mean`, `max` and `min` of a tensor of values over
/// all of its axes (no `axis`, no `keepdims`) give a number; with an `axis` they give a tensor.
/// `argmax` without an axis gives the index in the flattened tensor (NumPy's rule), with one a
/// tensor of indices. Indices are whole numbers, counted from 0.
extension BuiltinRegistry {
    func registerInspectionBuiltins() {
        register("argmax", category: BuiltinCategory.tensors,
                 signature: Signature(positional: [Param("x", .oneOf([.tensor, .list, .tuple]))],
                                      keywords: [Param("axis", .optional(.integer), default: .nothing)]),
                 help: "The index of the largest value (the first one on a tie), counted from 0: over the whole tensor flattened in row-major order when no axis is given (a number, as NumPy's argmax), else along `axis` (a tensor of indices without that axis). A list of numbers gives the index of its largest. argmax(p, axis: -1) reads the predicted class of each sample.",
                 example: "argmax(tensor([[1, 9, 3], [7, 2, 5]]), axis: -1)    # Tensor(2,) [1, 0]\nargmax([0.1, 0.7, 0.2])    # 1") { args, _ in
            let t = try numbers(args, "x")
            guard args.isNone("axis") else {
                let axis = try args.int("axis")
                return .tensor(try reduceAlong(t, axis: axis, args) { row in Float(indexOfLargest(row)) })
            }
            guard t.count > 0 else { throw args.error("argmax of an empty tensor has no index", at: "x") }
            return .number(Double(indexOfLargest(t.scalars[...])))
        }

        register("top_k", category: BuiltinCategory.tensors,
                 signature: Signature(positional: [Param("x", .oneOf([.tensor, .list, .tuple])), Param("k", .integer, default: .number(1))]),
                 help: "The k largest values along the last axis and their indices, largest first (on a tie the lower index first), as TensorFlow's top_k: a tuple (values, indices) of tensors whose last dimension is k. For a prediction p of shape (batch, classes), top_k(p[0], 3) gives the three most likely classes of the first sample. A list of numbers gives two lists.",
                 example: "values, indices = top_k(tensor([0.1, 0.6, 0.3]), 2)    # Tensor(2,) [0.6, 0.3], Tensor(2,) [1, 2]") { args, _ in
            let t = try numbers(args, "x")
            let k = try args.int("k")
            guard t.rank >= 1, let n = t.shape.last else { throw args.error("top_k needs at least one axis, got a tensor of shape ()", at: "x") }
            guard k >= 1, k <= n else { throw args.error("k must be from 1 to \(n) (the last axis of \(formatShape(t.shape))), got \(k)", at: "k") }
            let s = t.scalars
            var values: [Float] = [], indices: [Float] = []
            values.reserveCapacity(t.count / n * k)
            indices.reserveCapacity(t.count / n * k)
            for row in 0..<(t.count / n) {
                let base = row * n
                let order = (0..<n).sorted { a, b in
                    let x = s[base + a], y = s[base + b]
                    return x > y || (x == y && a < b)
                }
                for j in order.prefix(k) {
                    values.append(s[base + j])
                    indices.append(Float(j))
                }
            }
            let shape = Array(t.shape.dropLast()) + [k]
            if case .tensor = args["x"] {
                return .tuple([.tensor(try args.attempt { try Tensor(shape: shape, values: values) }),
                               .tensor(try args.attempt { try Tensor(shape: shape, values: indices) })])
            }
            return .tuple([.list(values.map { .number(Double($0)) }), .list(indices.map { .number(Double($0)) })])
        }
    }
}

/// A tensor of values from a tensor, or a (flat) list or tuple of numbers.
private func numbers(_ args: Arguments, _ name: String) throws -> Tensor {
    switch args[name] {
    case .tensor(let t): return t
    case .list(let xs), .tuple(let xs):
        var values: [Float] = []
        for x in xs {
            guard case .number(let d) = x else { throw args.error("expects numbers, got \(x.kindAndValue) in the list", at: name) }
            values.append(Float(d))
        }
        return try args.attempt { try Tensor(shape: [values.count], values: values) }
    default:
        throw args.kindError(name, "a tensor or a list of numbers")
    }
}

/// The position of the largest value in a run (the first on a tie; a NaN counts as largest, as NumPy).
func indexOfLargest(_ row: ArraySlice<Float>) -> Int {
    var best = row.startIndex
    for i in row.indices where row[i] > row[best] || (row[i].isNaN && !row[best].isNaN) { best = i }
    return best - row.startIndex
}

/// Reduces the runs along `axis` (negative from the end) with `f`: the result drops that axis.
func reduceAlong(_ t: Tensor, axis: Int, _ args: Arguments, _ f: (ArraySlice<Float>) -> Float) throws -> Tensor {
    guard let a = ShapeRule.normalizedAxis(axis, rank: t.rank) else {
        throw args.error("axis \(axis) is out of range for a tensor of shape \(formatShape(t.shape))", at: "axis")
    }
    let n = t.shape[a]
    guard n > 0 else { throw args.error("axis \(axis) of shape \(formatShape(t.shape)) is empty", at: "axis") }
    let outer = t.shape[..<a].reduce(1, *), inner = t.shape[(a + 1)...].reduce(1, *)
    let s = t.scalars
    var out = [Float](repeating: 0, count: outer * inner)
    var run = [Float](repeating: 0, count: n)
    for o in 0..<outer {
        for i in 0..<inner {
            for j in 0..<n { run[j] = s[(o * n + j) * inner + i] }
            out[o * inner + i] = f(run[...])
        }
    }
    var shape = t.shape
    shape.remove(at: a)
    return try args.attempt { try Tensor(shape: shape, values: out) }
}
