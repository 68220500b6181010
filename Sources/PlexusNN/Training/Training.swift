import PlexusTensor
/// Where a `fit` is: the epoch, the batch within it, and the running mean loss.
public struct TrainingProgress {
    public var epoch: Int, epochs: Int
    public var batch: Int, batches: Int
    public var loss: Float
}

/// How a training call ended: with every step done, or stopped by Ctrl-C after a whole step.
public struct TrainingOutcome {
    /// One record per epoch (fit) or one for the whole call (step).
    public var records: [TrainingRecord]
    /// The loss of every optimiser step taken.
    public var stepLosses: [Float]
    /// True when an interrupt stopped the loop early; the model keeps every step taken.
    public var interrupted: Bool
    /// Set when a step's loss was not finite: training stopped there (see `Divergence`).
    public var divergence: Divergence? = nil
}

/// How a training run that diverged ended (the rule of Keras's `TerminateOnNaN`, made stricter):
/// at the first step whose loss is `nan` or infinite, training stops *without applying that step's
/// update*, so the model keeps the weights of the last step whose loss was finite. Those weights
/// can still hold non-finite values (a finite loss with an infinite gradient); `weightsFinite`
/// says which, so the shell can tell the user.
public struct Divergence {
    /// The number of the step (counted since compile) whose loss was not finite; not applied.
    public var step: Int
    /// That step's loss (`nan`, `inf` or `-inf`).
    public var loss: Float
    /// True when every weight of the model is finite after the last applied step.
    public var weightsFinite: Bool
}

/// Running means of a loss and metrics over batches of different sizes.
struct EpochMeans {
    var samples = 0
    var loss: Double = 0
    var metrics: [Double]

    init(metricCount: Int) { metrics = Array(repeating: 0, count: metricCount) }

    mutating func add(loss l: Float, metricValues: [Float], count: Int) {
        samples += count
        loss += Double(l) * Double(count)
        for i in metrics.indices { metrics[i] += Double(metricValues[i]) * Double(count) }
    }

    var meanLoss: Float { samples == 0 ? 0 : Float(loss / Double(samples)) }
    func named(_ names: [String]) -> [(name: String, value: Float)] {
        zip(names, metrics).map { ($0, samples == 0 ? 0 : Float($1 / Double(samples))) }
    }
}

extension Model {
    /// Attaches a loss, an optimiser and metrics (Keras `compile`); a new compile starts a new
    /// history and fresh optimiser state.
    public func compile(loss: Loss, optimizer: Optimizer, metrics: [Metric] = [], metricNames: [String]? = nil) {
        optimizer.reset()
        training = TrainingSetup(loss: loss, optimizer: optimizer, metrics: metrics, metricNames: metricNames)
    }

    func requireSetup(_ what: String) throws -> TrainingSetup {
        guard let setup = training else {
            throw NetworkError(name, "is not compiled, so it cannot \(what)",
                               hint: "compile(\(name), loss: \"sparse_categorical_crossentropy\", optimizer: adam(0.001)) first")
        }
        return setup
    }

    /// Checks that a dataset feeds this model: one input tensor per model input, in order, with
    /// matching per-sample shapes, and one output to compare with the target.
    func checkFeeds(_ data: Dataset) throws {
        guard data.count > 0 else {
            throw NetworkError(name, "got an empty dataset", hint: "a dataset needs at least one sample")
        }
        guard data.inputs.count == inputs.count else {
            throw NetworkError(name, "has \(inputs.count) input\(inputs.count == 1 ? "" : "s") but the dataset gives \(data.inputs.count) (\(data.inputNames.joined(separator: ", ")))",
                               hint: "datasets feed a model's inputs in order")
        }
        for (i, (input, tensor)) in zip(inputs, data.inputs).enumerated() {
            let expected = Array(input.shape.dropFirst()), got = Array(tensor.shape.dropFirst())
            let fits = expected.count == got.count && zip(expected, got).allSatisfy { $0 == nil || $0 == $1 }
            guard fits else {
                throw NetworkError(name, "input \(i + 1) expects samples of shape \(formatSymbolicShape(expected.map { $0 })), but the dataset's '\(data.inputNames[i])' has \(formatShape(got))")
            }
        }
        guard outputs.count == 1 else {
            throw NetworkError(name, "has \(outputs.count) outputs; training takes models with one output")
        }
    }

    /// One optimiser step on one batch; returns the loss and the metric values. A loss that is not
    /// finite is returned without any update (and the step is not counted).
    ///
    /// A sigmoid (softmax) output under binary (categorical) crossentropy on probabilities is
    /// trained from the activation's input (`LossRoute`); metrics still see probabilities.
    func trainBatch(_ batch: DatasetBatch, setup: TrainingSetup, context: ForwardContext) throws -> (Float, [Float]) {
        let route = LossRoute(setup.loss, plan: try plan())
        let watchClip = !route.readsLogits && setup.loss.clipsProbabilities && !setup.warnedAboutClipping && context.warn != nil
        let (loss, outputs) = try trainStep(inputs: batch.inputs, context: context, optimizer: setup.optimizer, logits: route.readsLogits,
                                            loss: { try route.loss($0[0], batch.target) },
                                            keepOutputs: !setup.metrics.isEmpty || watchClip)
        guard loss.isFinite else { return (loss, []) }
        setup.steps += 1
        guard !outputs.isEmpty else { return (loss, []) }
        let prediction = try route.prediction(outputs[0])
        if watchClip { warnIfPositivesAtClip(setup, prediction: prediction, target: batch.target, context: context) }
        let values = try setup.metrics.map { try $0(prediction: prediction, target: batch.target) }
        return (loss, values)
    }

    /// The divergence record for a step whose loss was `loss`: checks every weight for finiteness.
    func divergence(atStep step: Int, loss: Float) throws -> Divergence {
        let finite = try plan().weights.allSatisfy { w in
            guard let v = w.variable?.value else { return true }
            return v.firstNonFinite == nil
        }
        return Divergence(step: step, loss: loss, weightsFinite: finite)
    }

    /// Checks every target of `data` against the loss before any step (the rule for a fit that
    /// would fail mid-way): each batch's target is run through the loss against a zero prediction
    /// of the model's output shape, so a label out of range or a target of the wrong shape fails
    /// before the first update, naming the sample. Skipped when the output shape has unknown sizes.
    func checkTargets(_ data: Dataset, setup: TrainingSetup, batchSize: Int) throws {
        guard let output = outputs.first else { return }
        let sample = output.shape.dropFirst()
        guard sample.allSatisfy({ $0 != nil }) else { return }
        let sampleShape = sample.map { $0 ?? 0 }
        var offset = 0
        try withoutGradients {
            for batch in try data.batches(size: Swift.max(batchSize, 1)) {
                if Interrupt.isRequested { return }
                let zero = Variable(try Tensor.zeros([batch.count] + sampleShape))
                do {
                    _ = try setup.loss(zero, batch.target)
                } catch let error as TensorError {
                    throw NetworkError(name, "the dataset's target does not fit the loss \(setup.loss) (samples \(offset)..<\(offset + batch.count)): \(error.message)",
                                       hint: "the whole dataset is checked before the first step; nothing was trained")
                }
                offset += batch.count
            }
        }
    }

    /// `steps` optimiser steps on batches drawn from `data` (reshuffled each time it runs out).
    /// `onStep` sees each step's number and loss. Stops early, after a whole step, on an interrupt.
    public func step(_ data: Dataset, batchSize: Int, steps: Int, context: ForwardContext,
                     onStep: (Int, Float) -> Void = { _, _ in }) throws -> TrainingOutcome {
        let setup = try requireSetup("step")
        try checkFeeds(data)
        guard batchSize > 0, steps > 0 else { throw NetworkError(name, "needs a positive batch size and number of steps, got \(batchSize) and \(steps)") }
        try checkTargets(data, setup: setup, batchSize: batchSize)
        var means = EpochMeans(metricCount: setup.metrics.count)
        var losses: [Float] = []
        var interrupted = false
        var divergence: Divergence?
        let first = setup.steps + 1
        /// The record of the steps taken, appended to the history however the call ends.
        func record(_ note: String = "") -> TrainingRecord {
            let record = TrainingRecord(label: "steps \(first)-\(setup.steps)" + note, loss: means.meanLoss,
                                        metrics: means.named(setup.metricNames), validationLoss: nil, validationMetrics: [])
            if !losses.isEmpty { setup.history.append(record) }
            return record
        }
        do {
            var iterator = try data.batches(size: batchSize, shuffle: true, using: &context.generator).makeIterator()
            while losses.count < steps {
                // Polled on every turn, whether or not the turn trains.
                if Interrupt.isRequested { interrupted = true; break }
                guard let batch = iterator.next() else {
                    iterator = try data.batches(size: batchSize, shuffle: true, using: &context.generator).makeIterator()
                    continue
                }
                let (loss, metricValues) = try trainBatch(batch, setup: setup, context: context)
                guard loss.isFinite else {
                    divergence = try self.divergence(atStep: setup.steps + 1, loss: loss)
                    break
                }
                losses.append(loss)
                means.add(loss: loss, metricValues: metricValues, count: batch.count)
                onStep(setup.steps, loss)
            }
        } catch {
            _ = record(" (failed)")
            throw error
        }
        let done = record(divergence.map { " (diverged at step \($0.step))" } ?? "")
        return TrainingOutcome(records: losses.isEmpty ? [] : [done], stepLosses: losses, interrupted: interrupted, divergence: divergence)
    }

    /// Keras `fit`: `epochs` passes over `data` in batches (shuffled each epoch when asked), each
    /// closed by a record of the mean loss and metrics and, with `validation`, the validation ones.
    /// Stops early, after a whole step, on an interrupt; the model and optimiser keep every step.
    public func fit(_ data: Dataset, epochs: Int, batchSize: Int, validation: Dataset? = nil, shuffle: Bool = true,
                    context: ForwardContext, onBatch: (TrainingProgress) -> Void = { _ in },
                    onEpoch: (Int, TrainingRecord) -> Void = { _, _ in }) throws -> TrainingOutcome {
        let setup = try requireSetup("fit")
        try checkFeeds(data)
        if let validation { try checkFeeds(validation) }
        guard batchSize > 0, epochs > 0 else { throw NetworkError(name, "needs a positive batch size and number of epochs, got \(batchSize) and \(epochs)") }
        try checkTargets(data, setup: setup, batchSize: batchSize)
        if let validation { try checkTargets(validation, setup: setup, batchSize: batchSize) }
        var outcome = TrainingOutcome(records: [], stepLosses: [], interrupted: false)
        let batches = (data.count + batchSize - 1) / batchSize
        epochs: for epoch in 1...epochs {
            var means = EpochMeans(metricCount: setup.metrics.count)
            var index = 0
            do {
                for batch in try data.batches(size: batchSize, shuffle: shuffle, using: &context.generator) {
                    if Interrupt.isRequested { outcome.interrupted = true; break }
                    let (loss, metricValues) = try trainBatch(batch, setup: setup, context: context)
                    guard loss.isFinite else {
                        outcome.divergence = try divergence(atStep: setup.steps + 1, loss: loss)
                        break
                    }
                    outcome.stepLosses.append(loss)
                    means.add(loss: loss, metricValues: metricValues, count: batch.count)
                    index += 1
                    onBatch(TrainingProgress(epoch: epoch, epochs: epochs, batch: index, batches: batches, loss: means.meanLoss))
                    if Interrupt.isRequested { outcome.interrupted = true; break }
                }
            } catch {
                // The steps that happened stay in the model: the history says so.
                if index > 0 {
                    setup.history.append(TrainingRecord(label: "epoch \(epoch) (failed after batch \(index)/\(batches))", loss: means.meanLoss,
                                                        metrics: means.named(setup.metricNames), validationLoss: nil, validationMetrics: []))
                }
                throw error
            }
            var record = TrainingRecord(label: "epoch \(epoch)", loss: means.meanLoss, metrics: means.named(setup.metricNames),
                                        validationLoss: nil, validationMetrics: [])
            let stopped = outcome.interrupted || outcome.divergence != nil
            if let validation, !stopped {
                let v = try evaluate(validation, batchSize: batchSize, context: context)
                record.validationLoss = v.loss
                record.validationMetrics = v.metrics
            }
            if outcome.interrupted { record.label += " (interrupted at batch \(index)/\(batches))" }
            if let d = outcome.divergence { record.label += " (diverged at step \(d.step), batch \(index + 1)/\(batches))" }
            if index > 0 || !stopped {
                setup.history.append(record)
                outcome.records.append(record)
                onEpoch(epoch, record)
            }
            if stopped { break epochs }
        }
        return outcome
    }

    /// The mean loss and metrics on `data`, in inference mode and without a tape.
    public func evaluate(_ data: Dataset, batchSize: Int = 32, context: ForwardContext) throws -> TrainingRecord {
        let setup = try requireSetup("evaluate")
        try checkFeeds(data)
        var means = EpochMeans(metricCount: setup.metrics.count)
        let plan = try plan()
        let route = LossRoute(setup.loss, plan: plan)
        try withoutGradients {
            try context.with(training: false) {
                for batch in try data.batches(size: Swift.max(batchSize, 1)) {
                    try Interrupt.check(name)
                    let out = try plan.run(batch.inputs.map { Variable($0) }, context: context, logits: route.readsLogits)[0]
                    let loss = try route.loss(out, batch.target).value.scalarValue ?? .nan
                    let prediction = setup.metrics.isEmpty ? out.value : try route.prediction(out.value)
                    let values = try setup.metrics.map { try $0(prediction: prediction, target: batch.target) }
                    means.add(loss: loss, metricValues: values, count: batch.count)
                }
            }
        }
        return TrainingRecord(label: "evaluation", loss: means.meanLoss, metrics: means.named(setup.metricNames),
                              validationLoss: nil, validationMetrics: [])
    }

    /// The gradient norm of every weight on the first batch of `data` (no update): which weights
    /// the loss reaches, and how strongly. Frozen weights and statistics get `nil`.
    public func gradientNorms(_ data: Dataset, batchSize: Int = 32, context: ForwardContext) throws -> (loss: Float, norms: [(weight: Weight, norm: Float?)]) {
        let setup = try requireSetup("compute gradients")
        try checkFeeds(data)
        var iterator = try data.batches(size: Swift.max(batchSize, 1)).makeIterator()
        guard let batch = iterator.next() else { throw NetworkError(name, "got an empty dataset") }
        let route = LossRoute(setup.loss, plan: try plan())
        let (loss, _) = try forwardBackward(inputs: batch.inputs, context: context, logits: route.readsLogits,
                                            loss: { try route.loss($0[0], batch.target) })
        let norms = try plan().weights.map { w -> (weight: Weight, norm: Float?) in
            guard w.trainable, let g = w.variable?.grad else { return (w, w.trainable ? 0 : nil) }
            return (w, Float(g.sumOfSquares().squareRoot()))
        }
        for w in try plan().weights { w.variable?.zeroGrad() }
        return (loss, norms)
    }
}
