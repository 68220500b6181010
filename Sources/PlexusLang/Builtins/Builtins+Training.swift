import PlexusTensor
import PlexusNN
import Foundation

// Training at the prompt: `compile`, `step`, `fit`, `evaluate`, `predict`, `grads`, `snapshot`,
// `changed`, `history`, `save`, `load`. Everything random (shuffles, dropout, first weight
// values) draws from the session's one generator.

extension BuiltinCategory {
    static let training = "training"
}

private let optimizerKind = ValueKind("an optimizer or its name") {
    switch $0 {
    case .optimizer, .string: true
    default: false
    }
}

extension BuiltinRegistry {
    func registerTrainingBuiltins() {
        registerTrainingStepBuiltins()
        registerInferenceBuiltins()
        registerTrainingInspectionBuiltins()
        registerWeightFileBuiltins()
    }

    /// Training: compile, step, fit.
    func registerTrainingStepBuiltins() {
        register("compile", category: BuiltinCategory.training,
                 signature: Signature(positional: [Param("m", .model)],
                                      keywords: [Param("loss", .string),
                                                 Param("optimizer", optimizerKind, default: .string("adam")),
                                                 Param("metrics", .oneOf([.list, .tuple]), default: .list([])),
                                                 Param("from_logits", .bool, default: .bool(false))]),
                 help: "Prepares a model for training (Keras compile): a loss by name (mse, mae, binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy, contrastive; from_logits: true when the model outputs logits), an optimizer (sgd(...), adam(...), adamw(...), rmsprop(...) or a name for Keras's defaults) and metrics (\"accuracy\" means the accuracy that fits the loss, \"mae\", \"location_accuracy\": whether the predicted map peaks where the target's does). Compiling again starts a fresh optimizer state and history.",
                 example: "compile(mlp, loss: \"sparse_categorical_crossentropy\", optimizer: adam(0.001), metrics: [\"accuracy\"])") { args, interpreter in
            let m = try args.model("m")
            let lossName = try args.string("loss")
            guard let loss = Loss(name: lossName, fromLogits: try args.bool("from_logits")) else {
                throw args.error("unknown loss '\(lossName)'", at: "loss",
                                 suggestion: didYouMean(lossName, candidates: Loss.names).map { "did you mean \($0)?" } ?? "losses: " + Loss.names.joined(separator: ", "))
            }
            let optimizer: Optimizer
            switch args["optimizer"] {
            case .optimizer(let o): optimizer = o
            case .string(let name): optimizer = try args.attempt { try Optimizer.named(name) }
            default: throw args.kindError("optimizer", optimizerKind.name)
            }
            var metrics: [Metric] = [], names: [String] = []
            var items: [Value] = []
            if case .list(let xs) = args["metrics"] { items = xs } else if case .tuple(let xs) = args["metrics"] { items = xs }
            for item in items {
                guard case .string(let name) = item else { throw args.kindError("metrics", "a list of metric names") }
                names.append(name)
                if name == "accuracy" || name == "acc" { metrics.append(loss.accuracyMetric); continue }
                guard let metric = Metric(named: name) else {
                    throw args.error("unknown metric '\(name)'", at: "metrics", suggestion: "metrics: accuracy, binary_accuracy, categorical_accuracy, sparse_categorical_accuracy, mae, location_accuracy")
                }
                metrics.append(metric)
            }
            m.compile(loss: loss, optimizer: optimizer, metrics: metrics, metricNames: names)
            interpreter.write("\(m.name): loss \(loss), optimizer \(optimizer)" + (metrics.isEmpty ? "" : ", metrics " + names.joined(separator: ", ")) + "\n")
            return .nothing
        }

        register("step", category: BuiltinCategory.training,
                 signature: Signature(positional: [Param("m", .model), Param("data", .dataset)],
                                      keywords: [Param("batch", .integer, default: .number(32)), Param("steps", .integer, default: .number(1))]),
                 help: "Takes optimizer steps one batch at a time (batches drawn from the shuffled data, reshuffled when it runs out) and prints each step's loss (every few steps when there are many). Ctrl-C stops after the current step; the model keeps every step taken.",
                 example: "step(hyper, train, batch: 16, steps: 10)") { args, interpreter in
            let m = try args.model("m"), data = try args.dataset("data")
            let steps = try args.int("steps"), batch = try args.int("batch")
            let every = Swift.max(1, steps / 10)
            let start = m.training?.steps ?? 0
            let outcome = try interpreter.withSessionContext(args) { context in
                try m.step(data, batchSize: batch, steps: steps, context: context) { n, loss in
                    let k = n - start   // 1-based index within this call
                    if k % every == 0 || k == steps || k == 1 { interpreter.write("step \(n): loss \(format4(loss))\n") }
                }
            }
            if outcome.interrupted { interpreter.write("interrupted after \(outcome.stepLosses.count) of \(steps) steps; the model keeps them\n") }
            if let d = outcome.divergence { throw divergenceError(d, model: m, args: args) }
            return .nothing
        }

        register("fit", category: BuiltinCategory.training,
                 signature: Signature(positional: [Param("m", .model), Param("data", .dataset)],
                                      keywords: [Param("epochs", .integer, default: .number(1)), Param("batch", .integer, default: .number(32)),
                                                 Param("validation", .optional(.oneOf([.dataset, .number])), default: .nothing),
                                                 Param("shuffle", .bool, default: .bool(true))]),
                 help: "Trains for a number of epochs (Keras fit): each epoch one pass over the data in batches, then a line with the mean loss and metrics (and validation loss and metrics with validation: a dataset, or a fraction of the data taken from its end, as Keras's validation_split). On a terminal a progress bar with the time left is redrawn during each epoch. Ctrl-C stops after the current step; the model and its optimizer keep every step taken.",
                 example: "fit(mlp, train, epochs: 30, batch: 32, validation: test)") { args, interpreter in
            let m = try args.model("m")
            var data = try args.dataset("data")
            var validation: Dataset?
            switch args["validation"] {
            case .dataset(let d): validation = d
            case .number(let f):
                guard f > 0, f < 1 else { throw args.error("validation as a fraction must be between 0 and 1, got \(Value.format(f))", at: "validation") }
                let parts = try args.attempt { try data.split(1 - f) }
                data = parts.train
                validation = parts.test
            default: break
            }
            let epochs = try args.int("epochs"), batch = try args.int("batch"), shuffle = try args.bool("shuffle")
            let live = interpreter.liveProgress
            let started = Date()
            var epochStart = Date()
            let outcome = try interpreter.withSessionContext(args) { context in
                try m.fit(data, epochs: epochs, batchSize: batch, validation: validation, shuffle: shuffle, context: context,
                          onBatch: { p in
                              guard live else { return }
                              if p.batch == 1 { epochStart = Date() }
                              let elapsed = Date().timeIntervalSince(epochStart)
                              let left = elapsed / Double(p.batch) * Double(p.batches - p.batch)
                              interpreter.write("\r" + progressBar(p, secondsLeft: left) + "\u{1B}[K")
                          },
                          onEpoch: { e, record in
                              let width = String(epochs).count
                              let label = "epoch " + String(repeating: " ", count: width - String(e).count) + "\(e)/\(epochs)"
                              let timing = live ? " - " + duration(Date().timeIntervalSince(epochStart)) : ""
                              interpreter.write((live ? "\r\u{1B}[K" : "") + "\(label): \(record.summary)\(timing)\n")
                          })
            }
            if let d = outcome.divergence { throw divergenceError(d, model: m, args: args) }
            if outcome.interrupted {
                interpreter.write("interrupted: \(outcome.stepLosses.count) steps taken in this fit, kept by the model\n")
            } else if live {
                interpreter.write("\(epochs) epoch\(epochs == 1 ? "" : "s") in \(duration(Date().timeIntervalSince(started)))\n")
            }
            return .nothing
        }
    }

    /// Using a model on data: evaluate, predict.
    func registerInferenceBuiltins() {
        register("evaluate", category: BuiltinCategory.training,
                 signature: Signature(positional: [Param("m", .model), Param("data", .dataset)],
                                      keywords: [Param("batch", .integer, default: .number(32))]),
                 help: "The loss and metrics of a compiled model on a dataset, in inference mode (dropout off, BatchNorm on its moving statistics), without changing anything. Prints them and returns the loss.",
                 example: "evaluate(mlp, test)") { args, interpreter in
            let m = try args.model("m"), data = try args.dataset("data")
            let record = try interpreter.withSessionContext(args) { context in
                try m.evaluate(data, batchSize: try args.batchSize(), context: context)
            }
            interpreter.write("\(m.name) on \(data.count) samples: \(record.summary)\n")
            return .number(Double(record.loss))
        }

        register("predict", category: BuiltinCategory.training,
                 signature: Signature(positional: [Param("m", .model), Param("x", .oneOf([.tensor, .dataset, .list]))],
                                      keywords: [Param("batch", .integer, default: .number(32))]),
                 help: "The model's outputs on a tensor of values (batch first), a list of tensors (one per input) or a dataset's inputs, computed in batches in inference mode. The same as calling the model on the tensors: m(x).",
                 example: "p = predict(mlp, test)\np.shape") { args, interpreter in
            let m = try args.model("m")
            var inputs: [Tensor] = []
            switch args["x"] {
            case .tensor(let t): inputs = [t]
            case .dataset(let d): inputs = d.inputs
            case .list(let xs):
                for x in xs {
                    guard case .tensor(let t) = x else { throw args.kindError("x", "tensors of values") }
                    inputs.append(t)
                }
            default: throw args.kindError("x", "a tensor, a list of tensors or a dataset")
            }
            let outputs = try interpreter.withSessionContext(args) { context in
                try predict(m, inputs: inputs, batchSize: try args.batchSize(), context: context)
            }
            return outputs.count == 1 ? .tensor(outputs[0]) : .list(outputs.map(Value.tensor))
        }
    }

    /// What training did: grads, snapshot, changed, history.
    func registerTrainingInspectionBuiltins() {
        register("grads", category: BuiltinCategory.training,
                 signature: Signature(positional: [Param("m", .model), Param("data", .dataset)],
                                      keywords: [Param("batch", .integer, default: .number(32))]),
                 help: "The gradient norm of every weight of a compiled model on one batch of the data, as a table, without changing any weight: shows which weights the loss reaches (a hypernetwork's template branch through the kernels it generates) and that frozen weights get none.",
                 example: "grads(hyper, train)") { args, interpreter in
            let m = try args.model("m"), data = try args.dataset("data")
            let (loss, norms) = try interpreter.withSessionContext(args) { context in
                try m.gradientNorms(data, batchSize: try args.batchSize(), context: context)
            }
            interpreter.write(gradientTable(norms, loss: loss, modelName: m.name))
            return .nothing
        }

        register("snapshot", category: BuiltinCategory.training, signature: Signature(positional: [Param("m", .model)]),
                 help: "The current values of every weight of a model, kept aside: changed(snap, m) later shows which weights moved and by how much.",
                 example: "before = snapshot(basis_conv)\nstep(basis_conv, data, steps: 5)\nchanged(before, basis_conv)") { args, interpreter in
            let m = try args.model("m")
            return .snapshot(try args.attempt { try WeightSnapshot(m, using: &interpreter.random) })
        }

        register("changed", category: BuiltinCategory.training,
                 signature: Signature(positional: [Param("snap", ValueKind("a snapshot") { if case .snapshot = $0 { true } else { false } }),
                                                   Param("m", .model)]),
                 help: "Which weights moved since a snapshot, with the largest absolute change and the change relative to the old values: trainable weights move, frozen ones and statistics (in inference mode) stay put.",
                 example: "changed(before, basis_conv)") { args, interpreter in
            guard case .snapshot(let snap) = args["snap"] else { throw args.kindError("snap", "a snapshot") }
            let m = try args.model("m")
            interpreter.write(changeTable(try args.attempt { try snap.changes(in: m) }, modelName: m.name))
            return .nothing
        }

        register("history", category: BuiltinCategory.training, signature: Signature(positional: [Param("m", .model)]),
                 help: "The loss of every epoch (and step call) since compile, drawn as a chart in the terminal, with the validation loss when there was one.",
                 example: "history(mlp)") { args, interpreter in
            let m = try args.model("m")
            interpreter.write(historyChart(m.training?.history ?? [], modelName: m.name))
            return .nothing
        }
    }

    /// Weights to and from files: save, load.
    func registerWeightFileBuiltins() {
        register("save", category: BuiltinCategory.training,
                 signature: Signature(positional: [Param("m", .model), Param("path", .string)]),
                 help: "Writes the model's weights to a safetensors file, each named by its path (conv2d/kernel); the file is written beside its place and then renamed, so a failed save never leaves half a file. Python's safetensors reads it.",
                 example: "save(mlp, \"mlp.safetensors\")") { args, interpreter in
            let m = try args.model("m"), path = try args.string("path")
            let n = try args.attempt { try m.saveWeights(to: path, using: &interpreter.random) }
            interpreter.write("saved \(n) weights (\(formatCount(m.weights.reduce(0) { $0 + $1.count })) params) to \(path)\n")
            return .nothing
        }

        register("load", category: BuiltinCategory.training,
                 signature: Signature(positional: [Param("m", .model), Param("path", .string)]),
                 help: "Reads weights saved by save into the model. The whole file is checked first (its header, offsets, every weight's name and shape); on any problem nothing changes and the error names the first offending weight.",
                 example: "load(mlp, \"mlp.safetensors\")") { args, interpreter in
            let m = try args.model("m"), path = try args.readPath("path")
            let n = try args.attempt { try m.loadWeights(from: path) }
            interpreter.write("loaded \(n) weights into \(m.name) from \(try args.string("path"))\n")
            return .nothing
        }
    }
}

extension Interpreter {
    /// Runs `body` with a forward context on the session's generator, which is handed back
    /// afterwards (so shuffles and dropout advance the one generator); library errors become
    /// diagnostics at the call.
    /// Warnings from training (a loss stuck at its clip) are written as warning diagnostics
    /// pointing at the call.
    func withSessionContext<T>(_ args: Arguments, _ body: (ForwardContext) throws -> T) throws -> T {
        let context = ForwardContext(training: false, generator: random)
        let span = args.callSpan
        context.warn = { [weak self] message in
            self?.write(DiagnosticRenderer.render(Diagnostic(message, at: span, severity: .warning)))
        }
        defer { random = context.generator }
        return try args.attempt { try body(context) }
    }
}

/// A run stopped at a loss that is not finite (see `Divergence`): an error, so a script stops there,
/// that says what the model now holds.
private func divergenceError(_ d: Divergence, model m: Model, args: Arguments) -> Diagnostic {
    let kept = d.step > 1 ? "the weights after step \(d.step - 1)" : "the weights it had before training"
    let state = d.weightsFinite ? "all finite" : "some of them are not finite: init(\(m.name)) or load(\(m.name), ...) before training again"
    return args.error("training diverged: the loss of step \(d.step) is \(format4(d.loss)); stopped without applying that step, \(m.name) keeps \(kept) (\(state))",
                      suggestion: "a smaller learning rate, or gradient clipping (clipnorm: 1.0), usually keeps the loss finite")
}

/// `epoch 3/30 [=========>          ] 12/45 - loss 0.1234 - 2s left`
private func progressBar(_ p: TrainingProgress, secondsLeft: Double) -> String {
    let width = 24
    let done = p.batches > 0 ? p.batch * width / p.batches : width
    let bar = String(repeating: "=", count: Swift.max(done - 1, 0)) + (done < width ? ">" : "=")
        + String(repeating: " ", count: width - Swift.max(done, 1))
    return "epoch \(p.epoch)/\(p.epochs) [\(bar)] \(p.batch)/\(p.batches) - loss \(format4(p.loss)) - " + String(format: "%.0fs left", secondsLeft)
}

/// `4 ms`, `1.25 s`: epochs of small models take milliseconds.
private func duration(_ seconds: Double) -> String {
    seconds < 1 ? String(format: "%.0f ms", seconds * 1000) : String(format: "%.2f s", seconds)
}

extension Arguments {
    /// The `batch:` argument of evaluate, predict and grads: a positive integer (fit and step
    /// refuse the others too).
    func batchSize() throws -> Int {
        let n = try int("batch")
        guard n > 0 else { throw error("batch must be a positive integer, got \(n)", at: "batch") }
        return n
    }
}
