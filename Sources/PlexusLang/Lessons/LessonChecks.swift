import PlexusNN

/// The functions a lesson's check may call besides the builtins: questions about the learner's
/// session whose answers the builtins only print (`changed`, `grads`, `cuts` print tables and
/// return none), as values a check can compare.
///
/// They exist only while a check runs (bound in the check's own scope), so they never show up in
/// `:help`, completion or the learner's variables. `docs/lessons.md` lists them.
enum LessonChecks {
    static let category = "lesson checks"

    // nonisolated(unsafe): an immutable table; its closures capture nothing and run on the thread
    // of the session that calls them.
    nonisolated(unsafe) static let all: [Builtin] = [
        Builtin(name: "defined", category: category, signature: Signature(positional: [Param("name", .string)]),
                help: "Whether the learner has a variable of this name.",
                example: "if not defined(\"siamese\") { return none }") { args, interpreter in
            .bool(interpreter.globals.values[try args.string("name")] != nil)
        },
        Builtin(name: "is_model", category: category, signature: Signature(positional: [Param("x")]),
                help: "Whether a value is a model.", example: "is_model(siamese)") { args, _ in
            if case .model = args["x"] { return .bool(true) }
            return .bool(false)
        },
        Builtin(name: "moved", category: category,
                signature: Signature(positional: [Param("snap", ValueKind("a snapshot") { if case .snapshot = $0 { true } else { false } }),
                                                  Param("m", .model)]),
                help: "The paths of the weights of m that moved since the snapshot (what changed() marks 'moved').",
                example: "moved(before, basis_conv) == [\"a\", \"conv/bias\"]") { args, _ in
            guard case .snapshot(let snap) = args["snap"] else { throw args.kindError("snap", "a snapshot") }
            let m = try args.model("m")
            return .list(try snap.changes(in: m).filter(\.moved).map { .string($0.weight.path) })
        },
        Builtin(name: "reached", category: category,
                signature: Signature(positional: [Param("m", .model), Param("data", .dataset)],
                                     keywords: [Param("batch", .integer, default: .number(16))]),
                help: "The paths of the weights of a compiled model that get a non-zero gradient on one batch (what grads() shows), without changing any weight.",
                example: "len(reached(hyper, train))") { args, interpreter in
            let m = try args.model("m"), data = try args.dataset("data")
            let (_, norms) = try interpreter.withSessionContext(args) { context in
                try m.gradientNorms(data, batchSize: try args.int("batch"), context: context)
            }
            return .list(norms.filter { ($0.norm ?? 0) > 0 }.map { .string($0.weight.path) })
        },
        Builtin(name: "compiled", category: category, signature: Signature(positional: [Param("m", .model)]),
                help: "Whether a model has been compiled (has a loss and an optimizer).", example: "compiled(hyper)") { args, _ in
            .bool(try args.model("m").training != nil)
        },
        Builtin(name: "cut_names", category: category, signature: Signature(positional: [Param("m", .model)]),
                help: "The names of the places where a model can be cut in two (the rows of cuts()).",
                example: "len(cut_names(net))") { args, _ in
            .list(cuts(try args.model("m")).map { .string($0.name) })
        },
    ]
}
