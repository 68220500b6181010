import PlexusTensor
import PlexusNN
// Weights and tensor algebra: `weight`, `constant`, `zeros`, `ones`, `randn`, `tensor`, `conv`,
// `matmul`, `transpose`, `sum`, `mean` (`reshape` is with the layers, whose name it shares).
//
// Each works on tensors of values (computed at once) and on symbolic tensors and weights (a graph
// node), so a kernel can be written as an expression of weights:
//
//     a = weight(64, 1, 10)                            # trainable coefficients
//     b = weight(10, 11, 11, trainable: false)         # a fixed basis
//     w = sum(reshape(a, 64, 10, 1, 1) * b, axis: 1)   # W_o = sum_i a_oi b_i: (64, 11, 11)
//     kernel = reshape(transpose(w, 1, 2, 0), 11, 11, 1, 64)
//     y = conv(x, kernel, padding: "same")

/// `weight(..., init:)`: an initializer name (with "did you mean"), a number, or a tensor of values.
private let weightInit = ValueKind("an initializer (\"glorot_uniform\", \"zeros\", ...), a number or a tensor",
                                  choices: Initializer.knownNames) { ValueKind.initializer.matches($0) || ValueKind.tensor.matches($0) }

extension BuiltinRegistry {
    func registerTensorBuiltins() {
        registerTensorCreationBuiltins()
        registerTensorAlgebraBuiltins()
    }

    /// Weights and tensors of values: weight, constant, zeros, ones, randn, tensor.
    func registerTensorCreationBuiltins() {
        registerInspectionBuiltins()
        register("weight", category: BuiltinCategory.tensors,
                 signature: Signature(variadic: Param("shape", .sizes),
                                      keywords: [Param("init", weightInit, default: .string("glorot_uniform")),
                                                 Param("trainable", .bool, default: .bool(true)), nameParam]),
                 help: "A free weight of the given shape, for kernels written as expressions (a frozen basis times trainable coefficients, a hypernetwork's target). It has no batch dimension; `init` is a Keras initializer name (\"glorot_uniform\", \"he_normal\", \"zeros\", ...), a number for a constant, or a tensor of values (then the shape may be left out). No storage is allocated until the model runs. Automatic names are weight, weight_1, ...",
                 example: "a = weight(64, 1, 10)    # <weight a (64, 1, 10) trainable, 640 params, glorot_uniform>\nb = weight(10, 11, 11, trainable: false, init: \"random_normal\")") { args, _ in
            let name = try args.optionalString("name")
            let trainable = try args.bool("trainable")
            if case .tensor(let t) = args["init"] {
                var shape = try args.knownShapeArguments("weight sizes", allowInferred: true)
                if shape.isEmpty { shape = t.shape }
                let value = try args.attempt { try t.reshaped(to: shape) }
                return .weight(try args.attempt { try fixedWeight(value, name: name, trainable: trainable) })
            }
            let shape = try args.knownShapeArguments("weight sizes")
            let initializer = try args.initializer("init")
            return .weight(try args.attempt { try Weight(name: name, shape: shape, initializer: initializer, trainable: trainable) })
        }

        register("constant", category: BuiltinCategory.tensors,
                 signature: Signature(positional: [Param("value", .oneOf([.number, .list, .tuple, .tensor]))],
                                      variadic: Param("shape", .sizes), keywords: [nameParam]),
                 help: "A fixed tensor for graphs: a frozen weight holding `value` (a number filling `shape`, nested lists, or a tensor of values, reshaped to `shape` if one is given). Summaries count it as non-trainable. To compute with values now, use tensor(...) instead.",
                 example: "half = constant(0.5, 1, 1, 64)\nbasis = constant(npy(\"basis.npy\"))") { args, _ in
            let name = try args.optionalString("name")
            let shape = try args.knownShapeArguments("constant sizes", allowInferred: true)
            if case .number = args["value"] {
                guard !shape.contains(-1) else { throw args.error("the sizes of a constant number must be known") }
                let value = try args.float("value")
                return .weight(try args.attempt {
                    try Weight(name: name, shape: shape.isEmpty ? [1] : shape, initializer: .constant(value), trainable: false)
                })
            }
            var value = try tensorValue(args["value"], args, "value")
            if !shape.isEmpty {
                value = try args.attempt { try value.reshaped(to: shape) }
            }
            return .weight(try args.attempt { try fixedWeight(value, name: name, trainable: false) })
        }

        register("zeros", category: BuiltinCategory.tensors, signature: Signature(variadic: Param("shape", .sizes)),
                 help: "A tensor of zeros of the given shape (sizes, or one list).",
                 example: "zeros(2, 3)    # Tensor(2, 3) [0, 0, 0, 0, 0, 0]") { args, _ in
            let shape = try args.knownShapeArguments("sizes")
            return .tensor(try args.attempt { try Tensor.zeros(shape) })
        }
        register("ones", category: BuiltinCategory.tensors, signature: Signature(variadic: Param("shape", .sizes)),
                 help: "A tensor of ones of the given shape (sizes, or one list).",
                 example: "ones(3)    # Tensor(3,) [1, 1, 1]") { args, _ in
            let shape = try args.knownShapeArguments("sizes")
            return .tensor(try args.attempt { try Tensor.ones(shape) })
        }
        register("randn", category: BuiltinCategory.tensors,
                 signature: Signature(variadic: Param("shape", .sizes), keywords: [Param("mean", .number, default: .number(0)),
                                                                          Param("stddev", .number, default: .number(1))]),
                 help: "A tensor of normal random values (mean 0, standard deviation 1 unless given), drawn from the session's one random generator: after :seed N the same calls give the same numbers.",
                 example: ":seed 1\nrandn(2, 2)") { args, interpreter in
            let shape = try args.knownShapeArguments("sizes")
            let mean = try args.float("mean"), std = try args.float("stddev")
            return .tensor(try args.attempt { try Tensor.normal(shape, mean: mean, std: std, using: &interpreter.random) })
        }
        register("tensor", category: BuiltinCategory.tensors,
                 signature: Signature(positional: [Param("values", .oneOf([.number, .list, .tuple, .tensorLike]))]),
                 help: "A tensor of values from a number or nested lists (every row the same length): tensor([[1, 2], [3, 4]]) has shape (2, 2). Arithmetic, matmul, sum and the activations compute on it at once.",
                 example: "t = tensor([[1, 2], [3, 4]])    # Tensor(2, 2) [1, 2, 3, 4]\nt * 2 + 1") { args, _ in
            .tensor(try tensorValue(args["values"], args, "values"))
        }
    }

    /// The tensor algebra shared by graphs and values: conv, matmul, transpose, sum, mean.
    func registerTensorAlgebraBuiltins() {
        register("conv", category: BuiltinCategory.tensors,
                 signature: Signature(positional: [Param("x", .tensorLike), Param("kernel", .tensorLike)],
                                      keywords: [Param("strides", .size2D, default: .number(1)), paddingParam,
                                                 Param("dilation_rate", .size2D, default: .number(1)), activationParam,
                                                 Param("use_bias", .bool, default: .bool(true)),
                                                 Param("bias_initializer", .initializer, default: .string("zeros")), nameParam]),
                 help: "A 2-D convolution whose kernel is a tensor expression rather than a weight of its own: a weight, a sum over a frozen basis, or the output of another branch. A kernel (kh, kw, in, out) is shared by the batch; a kernel (batch, kh, kw, in, out) made by another branch convolves each sample with its own (the hypernetwork case). The layer's own weight is its bias (out,), unless use_bias is false. On tensors of values it computes now (without bias).",
                 example: "k = template |> conv2d(8, 3) |> gap() |> dense(72) |> reshape(3, 3, 1, 8)\ny = conv(image, k, padding: \"same\")") { args, interpreter in
            let strides = try args.size2D("strides"), dilation = try args.size2D("dilation_rate")
            let padding = try args.padding("padding"), activation = try args.activation("activation")
            if case .tensor(let x) = args["x"], case .tensor(let k) = args["kernel"] {
                return .tensor(try args.attempt {
                    let s = (strides.height, strides.width), d = (dilation.height, dilation.width)
                    let y = k.rank == 5 ? try conv2dPerSample(x, k, strides: s, padding: padding, dilation: d)
                        : try conv2d(x, k, strides: s, padding: padding, dilation: d)
                    return try activation.apply(y)
                })
            }
            let layer = try args.attempt {
                try Conv(strides: strides, padding: padding, dilationRate: dilation, activation: activation,
                         useBias: args.bool("use_bias"), biasInitializer: args.initializer("bias_initializer"),
                         name: args.optionalString("name"))
            }
            return try interpreter.applyLayer(layer, [CallArgument(value: args["x"], span: args.span(of: "x")),
                                                      CallArgument(value: args["kernel"], span: args.span(of: "kernel"))],
                                              at: args.callSpan)
        }

        register("matmul", category: BuiltinCategory.tensors,
                 signature: Signature(positional: [Param("a", .tensorLike), Param("b", .tensorLike)], keywords: [nameParam]),
                 help: "The matrix product a @ b with NumPy's rules: (..., n, k) x (..., k, m) -> (..., n, m), leading dimensions broadcast, a 1-D operand a row (on the left) or a column (on the right) whose axis the result drops. On symbolic tensors and weights it is a graph node; on tensors of values it computes now, with the same shapes.",
                 example: "w = matmul(reshape(a, 64, 10), reshape(b, 10, 121))    # (64, 121)") { args, _ in
            switch (Operand(args["a"]), Operand(args["b"])) {
            case let (.concrete(a)?, .concrete(b)?):
                return .tensor(try args.attempt { try matmul(a, b) })
            case let (.graph(a)?, .graph(b)?):
                return .symbolic(try args.attempt { try matmul(a, b, name: args.optionalString("name")) })
            default:
                throw args.error("cannot multiply a tensor of values with a symbolic tensor", suggestion: constantSuggestion)
            }
        }

        register("transpose", category: BuiltinCategory.tensors,
                 signature: Signature(positional: [Param("x", .tensorLike)], variadic: Param("axes", .sizes), keywords: [nameParam]),
                 help: "Permutes all dimensions (NumPy transpose): dimension i of the result is dimension axes[i] of x; with no axes they are reversed. The axes count the batch dimension of a symbolic tensor too (use permute for per-sample axes); they may also be one list.",
                 example: "transpose(tensor([[1, 2, 3]]))    # Tensor(3, 1) [1, 2, 3]\nk = transpose(w, 1, 2, 0)    # (64, 11, 11) -> (11, 11, 64)") { args, _ in
            let axes = try transposeAxes(args)
            switch Operand(args["x"]) {
            case .concrete(let t)?:
                return .tensor(try args.attempt { try t.permuted(axes ?? Array((0..<t.rank).reversed())) })
            case .graph(let g)?:
                return .symbolic(try args.attempt { try transpose(g, axes, name: args.optionalString("name")) })
            default:
                throw args.kindError("x", "a tensor, a symbolic tensor or a weight")
            }
        }

        let reduceKeywords = [Param("axis", .optional(.axes), default: .nothing), Param("keepdims", .bool, default: .bool(false)), nameParam]
        register("sum", category: BuiltinCategory.tensors,
                 signature: Signature(positional: [Param("x", .oneOf([.tensorLike, .list, .tuple, .range]))], keywords: reduceKeywords),
                 help: "The sum over `axis` (one axis, a list, or all when none), keeping reduced axes as 1 with keepdims. On symbolic tensors and weights it is a graph node (the axes count a batch dimension too); on tensors of values it computes now, and over all axes (without keepdims) it is a number. A list of numbers sums to a number, a list of tensors adds them up.",
                 example: "sum([1, 2, 3])    # 6\nw = sum(reshape(a, 64, 10, 1, 1) * b, axis: 1)    # (64, 10, 11, 11) -> (64, 11, 11)") { args, interpreter in
            try reduce(args, interpreter, kind: .sum)
        }
        register("mean", category: BuiltinCategory.tensors,
                 signature: Signature(positional: [Param("x", .oneOf([.tensorLike, .list, .tuple, .range]))], keywords: reduceKeywords),
                 help: "The mean over `axis` (one axis, a list, or all when none), keeping reduced axes as 1 with keepdims. On symbolic tensors and weights it is a graph node; on tensors of values it computes now, and over all axes (without keepdims) it is a number. A list of numbers gives their mean.",
                 example: "mean([1, 2, 3, 4])    # 2.5\nmean(tensor([[1, 2], [3, 4]]), axis: 0)    # Tensor(2,) [2, 3]") { args, interpreter in
            try reduce(args, interpreter, kind: .mean)
        }
    }
}

/// A frozen or trainable weight holding `value` (its storage exists from the start).
private func fixedWeight(_ value: Tensor, name: String?, trainable: Bool) throws -> Weight {
    let w = try Weight(name: name, shape: value.shape, initializer: .zeros, trainable: trainable)
    try w.assign(value)
    return w
}

/// A tensor from a number, nested lists or tuples of numbers, or a tensor.
func tensorValue(_ v: Value, _ args: Arguments, _ param: String) throws -> Tensor {
    if case .tensor(let t) = v { return t }
    if case .number(let d) = v { return Tensor(scalar: try finiteFloat(d, args: args, param: param)) }
    var shape: [Int] = []
    var probe = v
    while true {
        switch probe {
        case .list(let xs), .tuple(let xs):
            shape.append(xs.count)
            guard let first = xs.first else {
                throw args.error("cannot make a tensor from an empty list", at: param)
            }
            probe = first
            continue
        case .number: break
        default: throw args.error("a tensor holds numbers, got \(probe.kindAndValue)", at: param)
        }
        break
    }
    var values: [Float] = []
    try args.attempt { try checkShape(shape, op: "tensor") }
    values.reserveCapacity(shape.reduce(1, *)) // invariant: checkShape bounds the product
    func collect(_ v: Value, depth: Int) throws {
        switch v {
        case .number(let d):
            guard depth == shape.count else { throw args.error("nested lists must all have the same depth and lengths \(formatShape(shape))", at: param) }
            values.append(try finiteFloat(d, args: args, param: param))
        case .list(let xs), .tuple(let xs):
            guard depth < shape.count, xs.count == shape[depth] else {
                throw args.error("nested lists must be rectangular: expected shape \(formatShape(shape))", at: param)
            }
            for x in xs { try collect(x, depth: depth + 1) }
        default:
            throw args.error("a tensor holds numbers, got \(v.kindAndValue)", at: param)
        }
    }
    try collect(v, depth: 0)
    return try args.attempt { try Tensor(shape: shape, values: values) }
}

/// `transpose(x, 1, 2, 0)` or `transpose(x, [1, 2, 0])`; `nil` (reverse) without axes.
private func transposeAxes(_ args: Arguments) throws -> [Int]? {
    let items = args.variadic
    if items.count == 1, items[0].integer == nil, let xs = items[0].integers { return xs }
    if items.isEmpty { return nil }
    var axes: [Int] = []
    for (v, span) in zip(items, args.variadicSpans) {
        guard let n = v.integer else { throw Diagnostic("transpose: axes must be integers, got \(v.kindAndValue)", at: span) }
        axes.append(n)
    }
    return axes
}

/// `sum` and `mean` of numbers, tensors of values or graph values.
private func reduce(_ args: Arguments, _ interpreter: Interpreter, kind: Reduction.Kind) throws -> Value {
    let axes = try args.axes("axis"), keepdims = try args.bool("keepdims")
    var x = args["x"]
    if case .range(let r) = x { x = .list((0..<r.count).map { .number(Double(r[$0])) }) }
    switch x {
    case .list(let xs), .tuple(let xs):
        guard let first = xs.first else { return kind == .sum ? .number(0) : .number(.nan) }
        var total = first
        for item in xs.dropFirst() {
            total = try interpreter.binary(.add, total, item, at: args.callSpan, leftSpan: args.callSpan,
                                           rightSpan: args.span(of: "x"))
        }
        if kind == .mean {
            total = try interpreter.binary(.divide, total, .number(Double(xs.count)), at: args.callSpan,
                                           leftSpan: args.callSpan, rightSpan: args.callSpan)
        }
        return total
    case .tensor(let t):
        let r = try args.attempt { kind == .sum ? try t.sum(axes: axes, keepDims: keepdims) : try t.mean(axes: axes, keepDims: keepdims) }
        // Over every axis, without keepdims: a number (the rule of Builtins+Inspection.swift).
        if r.rank == 0, !keepdims { return .number(Double(r.scalars[0])) }
        return .tensor(r)
    case .symbolic, .weight:
        guard case .graph(let g)? = Operand(x) else { assertionFailure("symbolic and weight are graph operands"); return .nothing }  // invariant
        let name = try args.optionalString("name")
        return .symbolic(try args.attempt {
            kind == .sum ? try sum(g, axes: axes, keepdims: keepdims, name: name) : try mean(g, axes: axes, keepdims: keepdims, name: name)
        })
    default:
        throw args.kindError("x", "a tensor, a symbolic tensor, a weight or a list")
    }
}

/// A number as a tensor element: finite as a Float32 (|x| <= 3.4e38), the rule for numbers.
func finiteFloat(_ d: Double, args: Arguments, param: String) throws -> Float {
    guard d.isFinite, abs(d) <= Double(Float.greatestFiniteMagnitude) else {
        throw args.error("\(Value.format(d)) does not fit a tensor element (a finite Float32, at most 3.4e38 in magnitude)", at: param)
    }
    return Float(d)
}
