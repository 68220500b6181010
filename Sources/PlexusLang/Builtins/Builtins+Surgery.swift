import PlexusTensor
import PlexusNN
// Model surgery and looking at graphs: `cuts`, `slice`, `to_fully_conv`, `set_weights`,
// `copy_weights`, `plot`, `init`, and `max_abs_diff` to check that two computations agree.
// Every surgery returns a new model (or changes weights in place) and prints what changed.

extension BuiltinCategory {
    static let surgery = "surgery"
}

extension BuiltinRegistry {
    func registerSurgeryBuiltins() {
        registerGraphSurgeryBuiltins()
        registerWeightSurgeryBuiltins()
        registerSurgeryCheckBuiltins()
    }

    /// Cutting graphs: cuts, slice, to_fully_conv.
    func registerGraphSurgeryBuiltins() {
        register("cuts", category: BuiltinCategory.surgery, signature: Signature(positional: [Param("m", .model)]),
                 help: "The places where a single tensor carries everything downstream: the only points at which the graph can be cut in two. Returns them as a list of the cut tensors, in execution order (index it, loop over it, len it, hand an element to slice), which the prompt shows as a table with each one's layer, position and shape. In a chain every tensor is a cut; inside a residual or Inception block none is. slice(m, from: ...) accepts exactly these.",
                 example: "cuts(resnet50)\nc = cuts(resnet50); back = slice(resnet50, from: c[len(c) - 3])") { args, _ in
            let m = try args.model("m")
            return .cuts(CutList(modelName: m.name, cuts: cuts(m)))
        }

        let point = ValueKind.oneOf([.string, .symbolicLike, .list, .optional(.string)])
        register("slice", category: BuiltinCategory.surgery,
                 signature: Signature(positional: [Param("m", .model)],
                                      keywords: [Param("from", point, default: .nothing), Param("to", point, default: .nothing), nameParam]),
                 help: "The part of a model between two points (layer names or tensors): its input is the output of `from` (exclusive), its output that of `to` (inclusive); the inputs are found automatically. The slice reuses the model's layers, so calling it on a new tensor shares their weights. A point that is not a cut (other branches cross it) is an error that names those branches and the nearest valid cuts.",
                 example: "head = slice(mobilenet, to: \"conv_pad_6\")\ntail = slice(irv2, from: \"block17_20_ac\")") { args, _ in
            let m = try args.model("m")
            let from = try slicePoints(args, "from"), to = try slicePoints(args, "to")
            let name = try args.optionalString("name")
            return .model(try args.attempt {
                if from.count <= 1, to.count <= 1 { return try slice(m, from: from.first, to: to.first, name: name) }
                return try slice(m, from: from, to: to, name: name)
            })
        }

        register("to_fully_conv", category: BuiltinCategory.surgery,
                 signature: Signature(positional: [Param("m", .model)], keywords: [nameParam]),
                 help: "The same network with Flatten + Dense turned into an equivalent convolution (a k x k valid convolution over the flattened map, then 1x1 convolutions for the following Dense layers), the Dense weights reshaped, not re-initialised. The converted model accepts larger images and returns a spatial map; on the original size it computes the same outputs. Other layers are shared with the original. Prints the change in parameters.",
                 example: "fc = to_fully_conv(cnn)\nmax_abs_diff(cnn(x), reshape(fc(x), 1, 10))") { args, interpreter in
            let (converted, report) = try args.attempt { try toFullyConv(try args.model("m"), name: try args.optionalString("name")) }
            interpreter.write(report.text + "\n")
            return .model(converted)
        }
    }

    /// Moving weights between models: set_weights, copy_weights.
    func registerWeightSurgeryBuiltins() {
        register("set_weights", category: BuiltinCategory.surgery,
                 signature: Signature(positional: [Param("layer", .oneOf([.layer, .model])), Param("values", .oneOf([.list, .tuple]))]),
                 help: "Sets a layer's weights, in order, from tensors of values (Keras set_weights). Every shape is checked first: on any mismatch nothing changes and the report names it.",
                 example: "set_weights(m[\"dense\"], [zeros(64, 10), zeros(10)])") { args, interpreter in
            let layer = try layerValue(args["layer"], args, "layer")
            var tensors: [Tensor] = []
            var items: [Value] = []
            if case .list(let xs) = args["values"] { items = xs } else if case .tuple(let xs) = args["values"] { items = xs }
            for v in items {
                guard case .tensor(let t) = v else { throw args.kindError("values", "a list of tensors of values") }
                tensors.append(t)
            }
            let report = try args.attempt { try setWeights(layer, tensors) }
            interpreter.write(report.text + "\n")
            return .nothing
        }

        register("copy_weights", category: BuiltinCategory.surgery,
                 signature: Signature(positional: [],
                                      keywords: [Param("from", .oneOf([.layer, .model])), Param("to", .oneOf([.layer, .model])),
                                                 Param("by", .choice(["name", "order"]), default: .string("name")),
                                                 Param("strict", .bool, default: .bool(false))]),
                 help: "Copies weight values from one layer or model to another, matching weights by layer/weight name or by order, and reports each weight as matched, reshaped, shared, skipped (no counterpart) or mismatched (shapes), so a copy that loads nothing cannot pass unnoticed. By default what matches is copied and the rest reported (Keras by_name with skip_mismatch); strict: true changes nothing unless every weight matches.",
                 example: "copy_weights(from: feature, to: other, by: \"order\")") { args, interpreter in
            let source = try layerValue(args["from"], args, "from"), target = try layerValue(args["to"], args, "to")
            let by: WeightMatching = try args.string("by") == "order" ? .order : .name
            let report = try args.attempt { try copyWeights(from: source, to: target, by: by, strict: try args.bool("strict")) }
            interpreter.write(report.text + "\n")
            return .nothing
        }
    }

    /// Seeing and checking a surgery: plot, init, max_abs_diff.
    func registerSurgeryCheckBuiltins() {
        register("plot", category: BuiltinCategory.surgery,
                 signature: Signature(positional: [Param("m", .model)],
                                      keywords: [Param("file", .optional(.string), default: .nothing),
                                                 Param("costs", .bool, default: .bool(false)),
                                                 Param("shapes", .bool, default: .bool(false))]),
                 help: "Draws the model's graph in the terminal: one line per layer with its output shape, branches and merges joined by lines, a shared layer or model drawn once with its number of calls (x2, or [call 1 of 2] when the calls follow each other). costs: true ends each line with its MACs (a shared layer: the sum over its calls). With file: writes a picture instead: \"m.svg\" the same drawing as an SVG image (opens in a browser), \"m.dot\" Graphviz DOT (render with `dot -Tpng m.dot -o m.png`), where a shared layer has a double border and its incoming edges say which call they feed; shapes: true labels every DOT edge with its tensor's shape.",
                 example: "plot(siamese)\nplot(siamese, costs: true)\nplot(siamese, file: \"siamese.svg\")\nplot(siamese, file: \"siamese.dot\", shapes: true)") { args, interpreter in
            let m = try args.model("m")
            let c = try args.bool("costs") ? try args.attempt { try costs(m) } : nil
            guard let path = try args.optionalString("file") else {
                interpreter.write(plot(m, costs: c) + "\n")
                return .nothing
            }
            let svg = path.lowercased().hasSuffix(".svg")
            let text = svg ? svgGraph(m, costs: c) : dotGraph(m, edgeShapes: try args.bool("shapes"), costs: c)
            if let failure = writeFileAtomically(Array(text.utf8), toPath: path) {
                throw args.error("cannot write \(path): \(failure)", at: "file")
            }
            interpreter.write("wrote \(path) (\(svg ? "SVG" : "Graphviz DOT"), \(m.layers.count) layers)\n")
            return .nothing
        }

        register("init", category: BuiltinCategory.surgery,
                 signature: Signature(positional: [Param("m", .oneOf([.layer, .model]))]),
                 help: "Creates the storage of every weight that has none yet, from the initializers and the session's generator (Keras build). Running or training a model does this by itself; init makes it explicit and says how much memory the weights take.",
                 example: "init(feature)") { args, interpreter in
            let layer = try layerValue(args["m"], args, "m")
            let fresh = layer.weights.filter { !$0.isMaterialized }
            try args.attempt { for w in fresh { try w.materialize(using: &interpreter.random) } }
            let count = fresh.reduce(0) { $0 + $1.count }
            interpreter.write("\(layer.name): \(fresh.count) weight\(fresh.count == 1 ? "" : "s") initialised, \(formatCount(count)) parameters (\(formatBytes(Double(count * 4))))\n")
            return .nothing
        }

        register("max_abs_diff", category: BuiltinCategory.surgery,
                 signature: Signature(positional: [Param("a", .tensor), Param("b", .tensor)]),
                 help: "The largest absolute difference between two tensors of values with the same number of elements (their shapes may differ, e.g. (1, 10) and (1, 1, 1, 10)): the check that two computations agree.",
                 example: "max_abs_diff(cnn(x), reshape(fc(x), 1, 10))") { args, _ in
            guard case .tensor(let a) = args["a"], case .tensor(let b) = args["b"] else { throw args.kindError("a", "tensors of values") }
            guard a.count == b.count else {
                throw args.error("the tensors hold \(a.count) and \(b.count) elements (shapes \(formatShape(a.shape)) and \(formatShape(b.shape)))")
            }
            let d = zip(a.scalars, b.scalars).reduce(Float(0)) { Swift.max($0, abs($1.0 - $1.1)) }
            return .number(Double(d))
        }
    }
}

/// The layer or model a value holds.
private func layerValue(_ v: Value, _ args: Arguments, _ name: String) throws -> Layer {
    switch v {
    case .layer(let l): return l
    case .model(let m): return m
    default: throw args.kindError(name, "a layer or a model")
    }
}

/// A slice point argument: none, a name, a tensor, or a list of them.
private func slicePoints(_ args: Arguments, _ name: String) throws -> [SlicePoint] {
    func one(_ v: Value) throws -> SlicePoint {
        switch v {
        case .string(let s): return .layer(s)
        case .symbolic(let t): return .tensor(t)
        default: throw args.kindError(name, "a layer name or a tensor")
        }
    }
    switch args[name] {
    case .nothing: return []
    case .list(let xs), .tuple(let xs): return try xs.map(one)
    case let v: return [try one(v)]
    }
}
