import PlexusTensor
import PlexusNN
import PlexusLang
import Foundation

// What the language costs: the same training step and prediction typed as a script at the
// prompt (a `Session` running `step(mlp, data, batch: 128)`, parsed, interpreted and reported on
// every call, as a person typing it again would) and through the Swift API (`Model.step`,
// `predict`). Both sides build the same model from the same seed and draw batches from the same
// dataset, so the only difference is the language: the lexer, parser, interpreter, argument
// checking, the session's bookkeeping after each input. bench/compare.py prints each `_script`
// workload's time over its `_api` twin (goal: within 5%).

let scriptWorkloads: [(name: String, run: (inout RandomGenerator) throws -> Void)] = [
    ("mlp_api", { try mlpStep(&$0, script: false) }), ("mlp_script", { try mlpStep(&$0, script: true) }),
    ("siamese_api", { try siameseStep(&$0, script: false) }), ("siamese_script", { try siameseStep(&$0, script: true) }),
    ("predict_api", { try mlpPredict(&$0, script: false) }), ("predict_script", { try mlpPredict(&$0, script: true) }),
]

/// The mlp workload's network as a script (784-512-512-10, ReLU, logits).
private let mlpSource = """
    x = input(784)
    h = x |> dense(512, activation: relu) |> dense(512, activation: relu) |> dense(10)
    mlp = model(x, h, name: "mlp")
    """

/// The siamese workload's network as a script (MatchNet, the feature net shared).
private let siameseSource = """
    x = input(28, 28, 1)
    h = x |> conv2d(24, 3, padding: "same", activation: relu) |> maxpool(3)
    h = h |> conv2d(64, 3, padding: "same", activation: relu)
    h = h |> conv2d(96, 3, activation: relu) |> conv2d(96, 3, activation: relu)
    h = h |> flatten() |> dense(512, activation: relu)
    feature = model(x, h, name: "feature")
    a = input(28, 28, 1); b = input(28, 28, 1)
    y = concat(feature(a), feature(b)) |> dense(1024, activation: relu) |> dense(1024, activation: relu) |> dense(2)
    siamese = model([a, b], y, name: "siamese")
    """

/// A session that swallows its output and fails the benchmark on any diagnostic.
private final class QuietSession {
    let session = Session(seed: 1, output: { _ in }, errors: { FileHandle.standardError.write(Data($0.utf8)) })

    /// Binds tensors made in Swift as the script's variables (what `npy(...)` would load).
    func define(_ name: String, _ tensor: Tensor) { session.interpreter.globals.define(name, .tensor(tensor)) }

    func run(_ text: String) throws {
        let result = session.run(text, echo: false, allowIncomplete: false)
        guard result.status == .ok else { throw BenchError("script failed: \(text)") }
    }

    /// The model a script bound to `name`.
    func model(_ name: String) throws -> Model {
        guard case .model(let m)? = session.interpreter.globals.lookup(name) else { throw BenchError("no model \(name)") }
        return m
    }
}

/// Builds `source` in a fresh session (seeded alike on both sides) and returns its model `name`:
/// the API side then works on the very same weights, so the two sides differ only in the calls.
private func built(_ source: String, _ name: String) throws -> (QuietSession, Model) {
    let s = QuietSession()
    try s.run(source)
    return (s, try s.model(name))
}

private func sparseLoss() throws -> Loss {
    guard let loss = Loss(name: "sparse_categorical_crossentropy", fromLogits: true) else { throw BenchError("no such loss") }
    return loss
}

/// mlp_api / mlp_script: one SGD 0.01 step on a batch of 128 drawn from 128 samples.
func mlpStep(_ gen: inout RandomGenerator, script: Bool) throws {
    let x = try Tensor.normal([128, 784], using: &gen)
    let y = try labels(128, classes: 10, using: &gen)
    let (s, m) = try built(mlpSource, "mlp")
    let name = script ? "mlp_script" : "mlp_api"
    if script {
        s.define("xs", x)
        s.define("ys", y)
        try s.run("data = dataset(xs, ys)\ncompile(mlp, loss: \"sparse_categorical_crossentropy\", optimizer: sgd(0.01), from_logits: true)")
        report(name, ms: try medianMilliseconds(steps: 100) { try s.run("step(mlp, data, batch: 128)") }, flops: 0)
    } else {
        let data = try Dataset(x, target: y)
        m.compile(loss: try sparseLoss(), optimizer: try SGD(learningRate: 0.01))
        let context = ForwardContext(training: true, generator: gen)
        report(name, ms: try medianMilliseconds(steps: 100) {
            checksum += try m.step(data, batchSize: 128, steps: 1, context: context).stepLosses[0]
        }, flops: 0)
    }
}

/// siamese_api / siamese_script: one Adam 1e-3 step on a batch of 32 drawn from 32 pairs.
func siameseStep(_ gen: inout RandomGenerator, script: Bool) throws {
    let a = try Tensor.normal([32, 28, 28, 1], using: &gen), b = try Tensor.normal([32, 28, 28, 1], using: &gen)
    let y = try labels(32, classes: 2, using: &gen)
    let (s, m) = try built(siameseSource, "siamese")
    let name = script ? "siamese_script" : "siamese_api"
    if script {
        s.define("left", a)
        s.define("right", b)
        s.define("same", y)
        try s.run("data = dataset([left, right], same)\ncompile(siamese, loss: \"sparse_categorical_crossentropy\", optimizer: adam(0.001), from_logits: true)")
        report(name, ms: try medianMilliseconds { try s.run("step(siamese, data, batch: 32)") }, flops: 0)
    } else {
        let data = try Dataset(inputs: [(name: "x1", tensor: a), (name: "x2", tensor: b)], target: y)
        m.compile(loss: try sparseLoss(), optimizer: try Adam(learningRate: 1e-3))
        let context = ForwardContext(training: true, generator: gen)
        report(name, ms: try medianMilliseconds {
            checksum += try m.step(data, batchSize: 32, steps: 1, context: context).stepLosses[0]
        }, flops: 0)
    }
}

/// predict_api / predict_script: the mlp's outputs for 128 samples, one batch, inference.
func mlpPredict(_ gen: inout RandomGenerator, script: Bool) throws {
    let x = try Tensor.normal([128, 784], using: &gen)
    let (s, m) = try built(mlpSource, "mlp")
    let name = script ? "predict_script" : "predict_api"
    if script {
        s.define("xs", x)
        report(name, ms: try medianMilliseconds(steps: 200) { try s.run("p = predict(mlp, xs, batch: 128)") }, flops: 0)
    } else {
        let context = ForwardContext(training: false, generator: gen)
        report(name, ms: try medianMilliseconds(steps: 200) {
            checksum += try predict(m, inputs: [x], batchSize: 128, context: context)[0].withUnsafeBufferPointer { $0[0] }
        }, flops: 0)
    }
}

