import PlexusTensor
import PlexusNN
// The layer builtins of the catalogue with Keras's snake_case argument names and defaults: each
// returns a layer, which applies when called on symbolic tensors (`x |> dense(10)`); the same layer
// called again shares its weights.

/// The `:help` sections of the network builtins.
enum BuiltinCategory {
    static let layers = "layers"
    static let activations = "activations"
    static let merges = "merges"
    static let tensors = "tensors"
    static let models = "models"
    static let data = "data"
    static let optimizers = "optimizers"
}

// nonisolated(unsafe): immutable after its lazy, thread-safe initialisation; these defaults are literal
// Value (not Sendable as a type, because Value can also hold models), never mutated.
nonisolated(unsafe) let activationParam = ArgumentSpec.activation.param
nonisolated(unsafe) let paddingParam = ArgumentSpec.padding.param

extension BuiltinRegistry {
    /// Every network builtin: layers, activations, merges, tensors, models, data, optimisers.
    func registerNetworkBuiltins() {
        registerLayerBuiltins()
        registerActivationBuiltins()
        registerMergeBuiltins()
        registerTensorBuiltins()
        registerModelBuiltins()
        registerCostBuiltins()
        registerDataBuiltins()
        registerOptimizerBuiltins()
        registerSurgeryBuiltins()
        registerTrainingBuiltins()
        registerONNXBuiltins()
        registerPictureBuiltins()
        registerKerasBuiltins()
    }

    /// Registers a layer constructor: `name:` is added to its keywords, `make` builds the layer
    /// from the checked arguments, and library errors point at the argument they name.
    func registerLayer(_ name: String, aliases: [String] = [], typeName: String, positional: [Param] = [],
                       variadic: Param? = nil, keywords: [Param] = [], help: String, example: String,
                       _ make: @escaping (Arguments, String?) throws -> Layer) {
        register(name, aliases: aliases, category: BuiltinCategory.layers,
                 signature: Signature(positional: positional, variadic: variadic, keywords: keywords + [nameParam]),
                 help: help, example: example) { args, _ in
            let layerName = try args.optionalString("name")
            return Value.wrap(try args.attempt { try make(args, layerName) })
        }
    }

    func registerLayerBuiltins() {
        register("input", category: BuiltinCategory.layers,
                 signature: Signature(variadic: Param("shape", .oneOf([.dimension, .list, .tuple])),
                                      keywords: [Param("batch_size", .optional(.integer), default: .nothing), nameParam]),
                 help: "A symbolic input of the given shape, without the batch dimension, which is implicit (None): Keras's Input(shape=...). Sizes are integers, or none where unknown; the shape may also be one list. Layers applied to it build a graph; model(...) turns the graph into a model.",
                 example: "x = input(28, 28, 1)    # <tensor (None, 28, 28, 1) from input_layer (InputLayer)>\nv = input(none, 3, name: \"points\")") { args, _ in
            let shape = try args.shapeArguments("input sizes", allowUnknown: true)
            let batch = try args.optionalInt("batch_size")
            let name = try args.optionalString("name")
            return .symbolic(try args.attempt { try Input(shape: shape, batchSize: batch, name: name) })
        }

        // Every layer type with a spec, in the order of `LayerSpec.all`; a spec whose builtin is
        // written by hand has its own registration at its place.
        for spec in LayerSpec.all {
            if spec === Reshape.spec { registerReshapeBuiltin() } else { registerLayer(spec) }
        }
    }

    /// `reshape`: a Reshape layer from sizes, or a reshaped tensor.
    func registerReshapeBuiltin() {
        register("reshape", category: BuiltinCategory.layers,
                 signature: Signature(variadic: Param("shape", .oneOf([.tensorLike, .sizes])), keywords: [nameParam]),
                 help: "With sizes only, a Reshape layer (Keras Reshape): a new shape for each sample, the batch dimension kept and not written; one size may be -1. With a tensor first, reshapes it: a tensor of values or a weight expression takes the whole new shape (NumPy), a tensor with a batch dimension (from input(...)) keeps its batch and takes the per-sample shape, as the layer does. Sizes may also be given as one list.",
                 example: "k = h |> dense(72) |> reshape(3, 3, 1, 8)    # (None, 3, 3, 1, 8)\nw = reshape(a, 64, 10)    # a weight (64, 1, 10) as (64, 10)") { args, _ in
            try reshapeBuiltin(args)
        }
    }

    func registerActivationBuiltins() {
        for f in ActivationFunction.all {
            let name = f.name, what = f.summary
            register(name, category: BuiltinCategory.activations, signature: activationSignature,
                     help: "The activation \(name): \(what). As a value it is a layer argument (activation: \(name), or the name \"\(name)\") and pipes into an Activation layer (x |> \(name)); called on a symbolic tensor or weight it applies a new Activation layer, on a tensor of values it computes now; without x it returns the Activation layer, to name or reuse.",
                     example: "h = x |> dense(64) |> \(name)\n\(name)(tensor([-1, 0, 2]))") { args, interpreter in
                try interpreter.applyActivation(f, args)
            }
            lookup(name)?.value = .activation(f)
        }
        register("activation", category: BuiltinCategory.activations,
                 signature: Signature(positional: [Param("activation", .activationFunction)], keywords: [nameParam]),
                 help: "Keras's Activation layer: activation(\"relu\", name: \"act\") is Activation(\"relu\", name=\"act\"), a layer to apply to a tensor (x |> activation(\"relu\")). The activation is a name or a value (relu); x |> relu is the same layer with an automatic name.",
                 example: "h = x |> conv2d(32, 3) |> activation(\"relu\", name: \"conv1_relu\")") { args, _ in
            let f = try args.activation("activation")
            return .layer(try args.attempt { try Activation(f, name: args.optionalString("name")) })
        }
    }

    func registerMergeBuiltins() {
        let mergeSignature = Signature(variadic: Param("tensors", .oneOf([.tensorLike, .list, .tuple])), keywords: [nameParam])
        let merges: [(String, String, String, (String?) throws -> Layer, ([Tensor]) throws -> Tensor)] = [
            ("add", "Add", "The elementwise sum of its inputs (Keras Add): a residual connection.",
             { try Add(name: $0) }, { ts in try ts.dropFirst().reduce(ts[0]) { try $0.arithmetic(.add, $1, op: "add") } }),
            ("subtract", "Subtract", "The first input minus the second (Keras Subtract; exactly two).",
             { try Subtract(name: $0) }, { ts in
                guard ts.count == 2 else { throw TensorError("subtract", "takes exactly two tensors, got \(ts.count)") }
                return try ts[0].arithmetic(.subtract, ts[1], op: "subtract")
             }),
            ("multiply", "Multiply", "The elementwise product of its inputs (Keras Multiply).",
             { try Multiply(name: $0) }, { ts in try ts.dropFirst().reduce(ts[0]) { try $0.arithmetic(.multiply, $1, op: "multiply") } }),
            ("average", "Average", "The elementwise mean of its inputs (Keras Average).",
             { try Average(name: $0) }, { ts in
                let total = try ts.dropFirst().reduce(ts[0]) { try $0.arithmetic(.add, $1, op: "average") }
                let n = Float(ts.count)
                return total.mapElements { $0 / n }
             }),
            ("maximum", "Maximum", "The elementwise maximum of its inputs (Keras Maximum).",
             { try Maximum(name: $0) }, { ts in try ts.dropFirst().reduce(ts[0]) { try PlexusTensor.maximum($0, $1) } }),
            ("minimum", "Minimum", "The elementwise minimum of its inputs (Keras Minimum).",
             { try Minimum(name: $0) }, { ts in try ts.dropFirst().reduce(ts[0]) { try PlexusTensor.minimum($0, $1) } }),
        ]
        for (name, typeName, help, make, compute) in merges {
            register(name, category: BuiltinCategory.merges, signature: mergeSignature,
                     help: help + " Takes several tensors or one list; the shapes must agree or broadcast. On symbolic tensors it applies a new layer; on tensors of values it computes now; with no tensors it returns the layer.",
                     example: "y = \(name)(a, b)\ny = [a, b] |> \(name)") { args, interpreter in
                try mergeBuiltin(args, interpreter, typeName: typeName, make: { try make($0) }, compute: compute)
            }
        }
        register("concat", aliases: ["concatenate"], category: BuiltinCategory.merges,
                 signature: Signature(variadic: Param("tensors", .oneOf([.tensorLike, .list, .tuple])),
                                      keywords: [Param("axis", .integer, default: .number(-1)), nameParam]),
                 help: "Joins its inputs along `axis` (Keras Concatenate; the last axis by default); the other dimensions must match. Takes several tensors or one list. On symbolic tensors it applies a new layer; on tensors of values it computes now; with no tensors it returns the layer.",
                 example: "y = concat(feature(a), feature(b))    # (None, 512), (None, 512) -> (None, 1024)") { args, interpreter in
            let axis = try args.int("axis")
            return try mergeBuiltin(args, interpreter, typeName: "Concatenate", make: { try Concatenate(axis: axis, name: $0) },
                                    compute: { try Tensor.concatenated($0, axis: axis) })
        }
    }
}

/// A merge: a layer applied to graph values, values computed now, or the layer itself.
private func mergeBuiltin(_ args: Arguments, _ interpreter: Interpreter, typeName: String,
                          make: (String?) throws -> Layer, compute: ([Tensor]) throws -> Tensor) throws -> Value {
    var items = zip(args.variadic, args.variadicSpans).map { ($0, $1) }
    if items.count == 1 {
        switch items[0].0 {
        case .list(let xs), .tuple(let xs): items = xs.map { ($0, items[0].1) }
        default: break
        }
    }
    let name = try args.optionalString("name")
    func layer() throws -> Layer { try args.attempt { try make(name) } }
    if items.isEmpty { return Value.wrap(try layer()) }
    let concrete = items.compactMap { item -> Tensor? in if case .tensor(let t) = item.0 { return t }; return nil }
    if concrete.count == items.count { return .tensor(try args.attempt { try compute(concrete) }) }
    if !concrete.isEmpty {
        throw args.error("cannot merge tensors of values with symbolic tensors", suggestion: constantSuggestion)
    }
    return try interpreter.applyLayer(try layer(), items.map { CallArgument(value: $0.0, span: $0.1) }, at: args.callSpan)
}

/// `reshape(7, 7, 64)` (a layer) or `reshape(x, 7, 7, 64)` (reshape x).
private func reshapeBuiltin(_ args: Arguments) throws -> Value {
    let name = try args.optionalString("name")
    guard let first = args.variadic.first, ValueKind.tensorLike.matches(first) else {
        let shape = try args.knownShapeArguments("target sizes", allowInferred: true)
        return .layer(try args.attempt { try Reshape(targetShape: shape, name: name) })
    }
    var rest = args
    rest.variadic.removeFirst()
    rest.variadicSpans.removeFirst()
    let shape = try rest.knownShapeArguments("target sizes", allowInferred: true)
    switch first {
    case .tensor(let t):
        return .tensor(try args.attempt { try t.reshaped(to: shape) })
    case .symbolic(let t) where TensorAlgebra.hasBatchDimension(t):
        return .symbolic(try args.attempt { try Reshape(targetShape: shape, name: name)(t) })
    case .symbolic(let t):
        return .symbolic(try args.attempt { try reshape(t, shape, name: name) })
    case .weight(let w):
        return .symbolic(try args.attempt { try reshape(w, shape, name: name) })
    default:
        throw args.error("expects sizes, or a tensor and sizes") // invariant: tensorLike matched above
    }
}
