import PlexusTensor
import PlexusNN
// Models and looking at them: `model`, `clone`, `copy`, `freeze`, `unfreeze`, `summary`, `params`,
// `compare`, `shape`.

extension BuiltinRegistry {
    func registerModelBuiltins() {
        registerModelBuildingBuiltins()
        registerModelInspectionBuiltins()
    }

    /// Making models and setting what trains: model, clone, copy, freeze, unfreeze.
    func registerModelBuildingBuiltins() {
        let tensors = ValueKind.oneOf([.symbolicLike, .list, .tuple])
        register("model", category: BuiltinCategory.models,
                 signature: Signature(positional: [Param("inputs", tensors), Param("outputs", .optional(tensors), default: .nothing)],
                                      keywords: [nameParam]),
                 help: "A functional model from input tensors to output tensors (Keras Model(inputs, outputs)); each may be one tensor or a list. With one argument, model(outputs) finds the inputs by walking back from the outputs. A model is a layer: calling it on new tensors applies it with its weights shared (a siamese network calls one feature model twice). Unnamed models are functional, functional_1, ...",
                 example: "feature = model(x, h, name: \"feature\")\nsiamese = model([a, b], y)\nm = model(y)    # inputs found") { args, _ in
            let name = try args.optionalString("name")
            let outputsGiven = !args.isNone("outputs")
            let outputs = try graphTensors(args, outputsGiven ? "outputs" : "inputs")
            if !outputsGiven {
                return .model(try args.attempt { try Model(outputs: outputs, name: name) })
            }
            let inputs = try graphTensors(args, "inputs")
            return .model(try args.attempt { try Model(inputs: inputs, outputs: outputs, name: name) })
        }

        let cloneable = ValueKind.oneOf([.model, .layer,
                                         .weight])
        register("clone", category: BuiltinCategory.models,
                 signature: Signature(positional: [Param("x", cloneable)], keywords: [nameParam]),
                 help: "The same structure with fresh weights (new initial values) and fresh names: a model keeps its sharing inside (a layer called twice stays one layer called twice); a layer comes back unbuilt, to create its weights on its first call; a weight gets a new one of the same shape, initializer and trainability.",
                 example: "other = clone(feature)\nunshared = model([c, d], head(feature(c), other(d)))") { args, _ in
            let name = try args.optionalString("name")
            switch args["x"] {
            case .model(let m): return .model(try args.attempt { try clone(m, name: name) })
            case .layer(let l):
                return Value.wrap(try args.attempt { try l.makeUnbuiltCopy(name: name ?? freshName(l)) })
            case .weight(let w):
                return .weight(try args.attempt {
                    try Weight(name: name ?? NameScope.current.uniqueName(w.name), shape: w.shape, initializer: w.initializer,
                               trainable: w.trainable)
                })
            default: throw args.kindError("x", cloneable.name)
            }
        }
        let copyable = ValueKind.oneOf([.model, .weight])
        register("copy", category: BuiltinCategory.models,
                 signature: Signature(positional: [Param("x", copyable)], keywords: [nameParam]),
                 help: "The same structure with new weights holding the same values: training the copy afterwards leaves the original as it was (and the other way round). A model's weights take their values when they materialise; a weight's value is drawn (from the session's generator) and copied now.",
                 example: "backup = copy(feature)") { args, interpreter in
            let name = try args.optionalString("name")
            switch args["x"] {
            case .model(let m): return .model(try args.attempt { try copy(m, name: name) })
            case .weight(let w):
                return .weight(try args.attempt {
                    let value = try w.materialize(using: &interpreter.random).value
                    let n = try Weight(name: name ?? NameScope.current.uniqueName(w.name), shape: w.shape,
                                       initializer: w.initializer, trainable: w.trainable)
                    try n.assign(value)
                    return n
                })
            default: throw args.kindError("x", copyable.name)
            }
        }

        let freezable = ValueKind.oneOf([ValueKind("a layer, a model or a weight") {
            switch $0 {
            case .layer, .model, .weight: true
            default: false
            }
        }, .list, .tuple])
        register("freeze", category: BuiltinCategory.models, signature: Signature(positional: [Param("x", freezable)]),
                 help: "Stops parameters from learning: of a layer, of every layer of a model, of a weight, or of each of a list of them (freeze(m.layers[0..10])). Weights a layer builds later are frozen too. BatchNormalization then also runs in inference mode, unless set otherwise. Returns its argument.",
                 example: "freeze(feature)\nfreeze(base.layers[0..36])") { args, _ in
            try setTrainable(args, false)
        }
        register("unfreeze", category: BuiltinCategory.models, signature: Signature(positional: [Param("x", freezable)]),
                 help: "Makes parameters learn again: of a layer, a model, a weight, or a list of them (statistics such as BatchNormalization's moving mean stay non-trainable). Returns its argument.",
                 example: "unfreeze(feature.layers[-3..-1])") { args, _ in
            try setTrainable(args, true)
        }
    }

    /// Reading models: summary, params, compare, shape.
    func registerModelInspectionBuiltins() {
        register("summary", category: BuiltinCategory.models,
                 signature: Signature(positional: [Param("m", .model)],
                                      keywords: [Param("expand", .bool, default: .bool(false)),
                                                 Param("line_length", .optional(.integer), default: .nothing),
                                                 Param("costs", .bool, default: .bool(false)),
                                                 Param("batch", .integer, default: .number(1))]),
                 help: "Prints the model as Keras 3's summary table: each layer with its output shape and parameters (and connections for a graph), totals over unique weights. Shared layers are marked with every call's shapes, frozen layers and BatchNormalization in inference mode are marked; expand: true lists the layers of nested models. costs: true adds a MACs column (one line per call of a shared layer) and totals: MACs and FLOPs per sample, memory for inference and training for batch samples (docs/costs.md).",
                 example: "summary(siamese)\nsummary(siamese, expand: true)\nsummary(vgg16, costs: true, batch: 32)") { args, interpreter in
            let m = try args.model("m")
            let width = try args.optionalInt("line_length")
            if let w = width, w < 40 || w > 1000 { throw args.error("line_length must be between 40 and 1000, got \(w)", at: "line_length") }
            let batch = try args.int("batch")
            guard batch >= 1 else { throw args.error("batch must be at least 1, got \(batch)", at: "batch") }
            let c = try args.bool("costs") ? try args.attempt { try costs(m, batch: batch) } : nil
            interpreter.write(summary(m, expand: try args.bool("expand"), lineLength: width, costs: c) + "\n")
            return .nothing
        }

        let countable = ValueKind.oneOf([ValueKind("a layer, a model or a weight") {
            switch $0 {
            case .layer, .model, .weight: true
            default: false
            }
        }, .list, .tuple])
        register("params", category: BuiltinCategory.models,
                 signature: Signature(positional: [Param("x", countable)],
                                      keywords: [Param("trainable", .optional(.bool), default: .nothing)]),
                 help: "The number of parameters of a model, layer, weight or list of them, each weight counted once however often it is used (Keras's count_params). trainable: true counts only trainable ones, false only the others.",
                 example: "params(siamese)    # 3483122\nparams(unshared) - params(siamese)    # 1381872") { args, _ in
            let count = ParameterCount(weights: try weights(of: args["x"], args))
            if args.isNone("trainable") { return .number(Double(count.total)) }
            return .number(Double(try args.bool("trainable") ? count.trainable : count.nonTrainable))
        }

        register("compare", category: BuiltinCategory.models,
                 signature: Signature(variadic: Param("models", .oneOf([.model, .list]))),
                 help: "Prints models side by side (total, trainable and non-trainable parameters) and, for each after the first, where its difference from the first comes from: blocks counted once when shared and twice when not, layers only in one of them.",
                 example: "compare(siamese, unshared)") { args, interpreter in
            var models: [Model] = []
            for (v, span) in zip(args.variadic, args.variadicSpans) {
                switch v {
                case .model(let m): models.append(m)
                case .list(let xs):
                    for x in xs {
                        guard case .model(let m) = x else { throw Diagnostic("compare: expects models, got \(x.kindAndValue)", at: span) }
                        models.append(m)
                    }
                default: throw Diagnostic("compare: expects models, got \(v.kindAndValue)", at: span)
                }
            }
            guard models.count >= 2 else { throw args.error("needs at least two models, got \(models.count)") }
            interpreter.write(compare(models) + "\n")
            return .nothing
        }

        register("shape", category: BuiltinCategory.models,
                 signature: Signature(positional: [Param("x", .oneOf([.tensorLike, .model, .dataset]))]),
                 help: "The shape as a tuple, none where a size is unknown (the batch): of a symbolic tensor, a weight or a tensor of values; of a model, its output (a list for several); of a dataset, one sample of its first input.",
                 example: "shape(x |> conv2d(8, 3))    # (none, 26, 26, 8)") { args, _ in
            switch args["x"] {
            case .symbolic(let t): return Value.shape(t.shape)
            case .weight(let w): return Value.shape(w.shape.map { $0 })
            case .tensor(let t): return Value.shape(t.shape.map { $0 })
            case .model(let m):
                let shapes = m.outputs.map { Value.shape($0.shape) }
                return shapes.count == 1 ? shapes[0] : .list(shapes)
            case .dataset(let d): return Value.shape(d.inputs.first.map { Array($0.shape.dropFirst()) } ?? [])
            default: throw args.kindError("x", "a tensor, a model or a dataset")
            }
        }
    }
}

/// A fresh automatic-style name for a copy of `layer`: `dense_3`, or `fc1_1` for a chosen name.
private func freshName(_ layer: Layer) -> String {
    NameScope.current.uniqueName(layer.isAutoNamed ? layer.baseName : layer.name)
}

/// The symbolic tensors of an argument that is one tensor (or weight) or a list of them.
private func graphTensors(_ args: Arguments, _ name: String) throws -> [SymbolicTensor] {
    func one(_ v: Value) throws -> SymbolicTensor {
        switch v {
        case .symbolic(let t): return t
        case .weight(let w): return w.symbolic
        default: throw args.error("\(name) must be symbolic tensors, got \(v.kindAndValue)", at: name)
        }
    }
    switch args[name] {
    case .list(let xs), .tuple(let xs): return try xs.map(one)
    default: return [try one(args[name])]
    }
}

/// The weights of a layer, model, weight or list of them.
private func weights(of v: Value, _ args: Arguments) throws -> [Weight] {
    switch v {
    case .layer(let l): return l.weights
    case .model(let m): return m.weights
    case .weight(let w): return [w]
    case .list(let xs), .tuple(let xs): return try xs.flatMap { try weights(of: $0, args) }
    default: throw args.error("counts the parameters of layers, models and weights, got \(v.kindAndValue)", at: "x")
    }
}

/// `freeze` / `unfreeze` of a layer, model, weight or list of them; returns the argument. Every
/// element is checked before anything changes, so a bad list element leaves all as they were.
private func setTrainable(_ args: Arguments, _ trainable: Bool) throws -> Value {
    var targets: [Value] = []
    func collect(_ v: Value) throws {
        switch v {
        case .layer, .model, .weight: targets.append(v)
        case .list(let xs), .tuple(let xs): for x in xs { try collect(x) }
        default:
            throw args.error("\(trainable ? "unfreezes" : "freezes") layers, models and weights, got \(v.kindAndValue)", at: "x")
        }
    }
    try collect(args["x"])
    for v in targets {
        switch v {
        case .layer(let l): trainable ? l.unfreeze() : l.freeze()
        case .model(let m): trainable ? m.unfreeze() : m.freeze()
        case .weight(let w): w.trainable = trainable
        default: assertionFailure("collect keeps only layers, models and weights"); break  // invariant
        }
    }
    return args["x"]
}
