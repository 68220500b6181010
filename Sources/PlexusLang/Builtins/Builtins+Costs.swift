import PlexusNN
// What a model costs: `costs` (MACs, FLOPs, memory as a record), `receptive_field`, and the
// `costs: true` form of `summary` (in Builtins+Models.swift). Conventions: docs/costs.md.


extension BuiltinRegistry {
    func registerCostBuiltins() {
        register("costs", category: BuiltinCategory.models,
                 signature: Signature(positional: [Param("m", .model)], keywords: [Param("batch", .integer, default: .number(1))]),
                 help: "What the model costs, as a record: MACs and FLOPs per sample (every call of a shared layer counted; FLOPs = 2 x MACs + elementwise work, docs/costs.md), parameters, and memory in bytes for a batch: parameters, the inference peak of live activations, and training (activations kept for the backward pass, gradients, the compiled optimizer's state: Adam 2 per weight). Fields read as c.macs or c[\"macs\"].",
                 example: "c = costs(vgg16, batch: 32)\nc.macs\nc.training_bytes / 1073741824    # GiB") { args, _ in
            let m = try args.model("m")
            let batch = try args.int("batch")
            guard batch >= 1 else { throw args.error("batch must be at least 1, got \(batch)", at: "batch") }
            let c = try args.attempt { try costs(m, batch: batch) }
            return .record(costsRecord(c))
        }

        register("diff", category: BuiltinCategory.models,
                 signature: Signature(positional: [Param("a", .model), Param("b", .model)]),
                 help: "What changed from model a to model b, aligned by structure (the calls in execution order matched by class, arguments and weight shapes, nested models opened where they differ), not by name: layers added (+), removed (-), changed (~: class, arguments, weights, output shapes, rewired inputs), shared in one and separate copies in the other, frozen in one and trainable in the other; each with its parameter and MAC difference, long runs (a cut segment) on one line, then the totals.",
                 example: "diff(siamese, unshared)\ndiff(cnn, to_fully_conv(cnn))") { args, interpreter in
            interpreter.write(diff(try args.model("a"), try args.model("b")) + "\n")
            return .nothing
        }

        register("receptive_field", category: BuiltinCategory.models,
                 signature: Signature(positional: [Param("m", .model)], keywords: [Param("layer", .optional(.string), default: .nothing)]),
                 help: "Prints, for each call of the model, how many input pixels one output unit sees (size), how far apart neighbouring units' fields are (jump, the product of strides) and where the first unit's field is centred (start, pixel i's centre is i), along height and width; at a merge the largest field over its input paths (Araujo et al., Distill 2019). `global` after Flatten or global pooling. With layer: returns that layer's figures as a record instead.",
                 example: "receptive_field(vgg16)\nreceptive_field(vgg16, layer: \"block5_pool\").size    # 212") { args, interpreter in
            let m = try args.model("m")
            guard let name = try args.optionalString("layer") else {
                interpreter.write(try args.attempt { try receptiveFieldTable(m) } + "\n")
                return .nothing
            }
            let state = try args.attempt { try receptiveField(m, at: name) }
            return .record(receptiveFieldRecord(name, state))
        }
    }
}

/// The record `costs(m)` returns.
func costsRecord(_ c: ModelCosts) -> Record {
    func n(_ x: Int) -> Value { .number(Double(x)) }
    return Record(title: "costs of \(c.modelName) (batch \(c.batch))", fields: [
        ("macs", n(c.macs)),
        ("flops", n(c.flops)),
        ("params", n(c.parameters.total)),
        ("trainable_params", n(c.parameters.trainable)),
        ("batch", n(c.batch)),
        ("param_bytes", n(c.parameterBytes)),
        ("inference_activation_bytes", n(c.inferenceActivationBytes)),
        ("inference_bytes", n(c.inferenceBytes)),
        ("training_activation_bytes", n(c.trainingActivationBytes)),
        ("gradient_bytes", n(c.gradientBytes)),
        ("optimizer_bytes", n(c.optimizerStateBytes)),
        ("training_bytes", n(c.trainingBytes)),
    ])
}

/// The record `receptive_field(m, layer: name)` returns: size, jump and start along each axis.
func receptiveFieldRecord(_ name: String, _ state: ReceptiveFieldState?) -> Record {
    switch state {
    case let .spatial(h, w)?:
        let square = h == w
        var fields: [(String, Value)] = square
            ? [("size", .number(Double(h.size))), ("jump", .number(h.jump)), ("start", .number(h.start))]
            : [("size", .tuple([.number(Double(h.size)), .number(Double(w.size))])),
               ("jump", .tuple([.number(h.jump), .number(w.jump)])),
               ("start", .tuple([.number(h.start), .number(w.start)]))]
        fields.append(("global", .bool(false)))
        return Record(title: "receptive field of \(name)", fields: fields)
    case .global?:
        return Record(title: "receptive field of \(name)", fields: [("size", .nothing), ("jump", .nothing), ("start", .nothing), ("global", .bool(true))])
    case nil:
        return Record(title: "receptive field of \(name) (no image input)", fields: [("size", .nothing), ("jump", .nothing), ("start", .nothing), ("global", .bool(false))])
    }
}
