import PlexusTensor
import PlexusNN
import XCTest
@testable import PlexusNN

// A sigmoid (softmax) output under binary (categorical) crossentropy on probabilities is trained
// from the activation's input, as Keras's TensorFlow backend does (`_get_logits`): the same loss,
// stable, and with a gradient where the probability would have been clipped.

final class FusedLossTests: XCTestCase {
    /// x (4,) -> dense(units, activation) as a model.
    private func denseModel(_ units: Int, _ activation: ActivationFunction, separate: Bool = false) throws -> Model {
        let x = try Input(shape: [4])
        let y = separate ? try Activation(activation)(Dense(units: units)(x)) : try Dense(units: units, activation: activation)(x)
        return try Model(inputs: x, outputs: y)
    }

    private func data(_ x: Tensor, _ y: Tensor) throws -> Dataset { try Dataset(x, target: y) }

    func testTheTapIsFoundForAnOwnAFusedAndAStandaloneActivation() throws {
        XCTAssertEqual(try denseModel(1, .sigmoid).plan().logitsTap?.activation, .sigmoid)
        XCTAssertEqual(try denseModel(3, .softmax, separate: true).plan().logitsTap?.activation, .softmax)
        // After a merge other than Add nothing fuses: the Activation layer passes its input on.
        let a = try Input(shape: [4]), b = try Input(shape: [4])
        let standalone = try Model(inputs: [a, b], outputs: [Activation(.sigmoid)(Multiply()([a, b]))])
        XCTAssertEqual(try standalone.plan().logitsTap?.passesInput, true)
        // An Add takes the activation (addActivated); the tap runs the sum without it.
        let afterAdd = try Model(inputs: [a, b], outputs: [Activation(.sigmoid)(Add()([a, b]))]).plan().logitsTap
        XCTAssertEqual(afterAdd?.activation, .sigmoid)
        XCTAssertEqual(afterAdd?.passesInput, false)
        XCTAssertNil(try denseModel(1, .relu).plan().logitsTap)
        XCTAssertNil(try denseModel(1, .tanh, separate: true).plan().logitsTap)
    }

    func testOnlyTheMatchingPairsFuse() {
        XCTAssertEqual(Loss.binaryCrossentropy(fromLogits: false).fusedWithActivation(.sigmoid), .binaryCrossentropy(fromLogits: true))
        XCTAssertEqual(Loss.sparseCategoricalCrossentropy(fromLogits: false).fusedWithActivation(.softmax), .sparseCategoricalCrossentropy(fromLogits: true))
        XCTAssertEqual(Loss.categoricalCrossentropy(fromLogits: false).fusedWithActivation(.softmax), .categoricalCrossentropy(fromLogits: true))
        XCTAssertNil(Loss.binaryCrossentropy(fromLogits: false).fusedWithActivation(.softmax))
        XCTAssertNil(Loss.binaryCrossentropy(fromLogits: true).fusedWithActivation(.sigmoid))
        XCTAssertNil(Loss.meanSquaredError.fusedWithActivation(.sigmoid))
    }

    func testReportedLossIsTheProbabilityLossWhereNothingClips() throws {
        for (separate, units, loss) in [(false, 1, Loss.binaryCrossentropy(fromLogits: false)), (true, 1, .binaryCrossentropy(fromLogits: false)),
                                        (false, 3, .sparseCategoricalCrossentropy(fromLogits: false))] {
            let m = try denseModel(units, units == 1 ? .sigmoid : .softmax, separate: separate)
            m.compile(loss: loss, optimizer: try SGD(learningRate: 0.1))
            let x = try seededTensor([6, 4], seed: 3, low: -2, high: 2)
            let y = units == 1 ? try Tensor(shape: [6, 1], values: [1, 0, 0, 1, 1, 0]) : try Tensor(shape: [6], values: [0, 2, 1, 1, 0, 2])
            let context = ForwardContext(seed: 5)
            let reported = try m.evaluate(data(x, y), context: context).loss
            let probabilities = try predict(m, inputs: [x], context: context)[0]
            let byHand = units == 1 ? try binaryCrossentropy(probabilities, y) : try sparseCategoricalCrossentropy(probabilities, labels: y)
            XCTAssertEqual(reported, byHand, accuracy: 1e-6, "\(loss) separate: \(separate)")
            XCTAssertTrue(LossRoute(loss, plan: try m.plan()).readsLogits)
        }
    }

    /// The fused path's kernel gradient against central differences of the loss the user asked
    /// for (probability crossentropy of the model's output), in a region where nothing clips.
    func testFusedGradientMatchesFiniteDifferencesOfTheProbabilityLoss() throws {
        for (units, activation, loss) in [(2, ActivationFunction.sigmoid, Loss.binaryCrossentropy(fromLogits: false)),
                                          (3, .softmax, .categoricalCrossentropy(fromLogits: false))] {
            let m = try denseModel(units, activation, separate: units == 3)
            let x = try seededTensor([5, 4], seed: 11, low: -1.5, high: 1.5)
            let y = units == 2 ? try seededTensor([5, 2], seed: 12, low: 0, high: 1)
                               : try Tensor(shape: [5, 3], values: [1, 0, 0, 0, 1, 0, 0, 0, 1, 0.5, 0.5, 0, 0, 0.2, 0.8])
            let context = ForwardContext(seed: 9)
            let route = LossRoute(loss, plan: try m.plan())
            XCTAssertTrue(route.readsLogits)
            _ = try m.forwardBackward(inputs: [x], context: context, logits: true, loss: { try route.loss($0[0], y) })
            guard let kernel = m.weights.first(where: { $0.name == "kernel" }), let value = kernel.variable?.value,
                  let analytic = kernel.variable?.grad?.scalars else { return XCTFail("no kernel gradient") }
            func probabilityLoss(_ w: Tensor) throws -> Double {
                try kernel.assign(w)
                let p = try predict(m, inputs: [x], context: context)[0]
                return Double(units == 2 ? try binaryCrossentropy(p, y) : try categoricalCrossentropy(p, y))
            }
            let eps: Float = 1e-2
            var worst = 0.0
            for i in 0..<value.count {
                var plus = value, minus = value
                plus.withUnsafeMutableBufferPointer { $0[i] += eps }
                minus.withUnsafeMutableBufferPointer { $0[i] -= eps }
                let numeric = (try probabilityLoss(plus) - probabilityLoss(minus)) / (2 * Double(eps))
                worst = max(worst, abs(numeric - Double(analytic[i])) / max(1, abs(numeric)))
            }
            try kernel.assign(value)
            XCTAssertLessThan(worst, 2e-3, "\(loss)")
        }
    }

    func testAPositiveBelowTheClipStillGetsAGradient() throws {
        // sigmoid(-20) = 2e-9 < 1e-7: clipped probability crossentropy would give it no gradient.
        let m = try denseModel(1, .sigmoid)
        try setWeight(m.layers[1], "kernel", Tensor.zeros([4, 1]))
        try setWeight(m.layers[1], "bias", Tensor(shape: [1], values: [-20]))
        let x = try seededTensor([2, 4], seed: 1), y = try Tensor(shape: [2, 1], values: [1, 1])
        let route = LossRoute(.binaryCrossentropy(fromLogits: false), plan: try m.plan())
        _ = try m.forwardBackward(inputs: [x], context: ForwardContext(seed: 1), logits: true, loss: { try route.loss($0[0], y) })
        let g = m.weights.first { $0.name == "bias" }?.variable?.grad?.scalars.first ?? 0
        XCTAssertEqual(g, -1, accuracy: 1e-6)   // mean(sigmoid(-20) - 1) over two samples
    }

    func testSigmoidDesignTrainsAsTheLogitsDesignDoes() throws {
        // Two copies of one conv net on a sparse map (one positive pixel in 64), the same initial
        // weights and batches: sigmoid output with probability crossentropy, and linear output
        // with from_logits. Their losses step for step agree.
        func net(_ activation: ActivationFunction) throws -> Model {
            let x = try Input(shape: [8, 8, 1])
            let h = try Conv2D(filters: 4, kernelSize: 3, padding: .same, activation: .relu, name: "c1")(x)
            return try Model(inputs: x, outputs: Conv2D(filters: 1, kernelSize: 3, padding: .same, activation: activation, name: "c2")(h))
        }
        var g = RandomGenerator(seed: 4)
        let images = try Tensor.uniform([32, 8, 8, 1], low: -1, high: 1, using: &g)
        var maps = try Tensor.zeros([32, 8, 8, 1])
        maps.withUnsafeMutableBufferPointer { p in for s in 0..<32 { p[s * 64 + g.nextInt(below: 64)] = 1 } }
        let d = try data(images, maps)
        var losses: [[Float]] = []
        for (activation, logits) in [(ActivationFunction.sigmoid, false), (.linear, true)] {
            let m = try net(activation)
            m.compile(loss: .binaryCrossentropy(fromLogits: logits), optimizer: try Adam(learningRate: 0.01))
            let outcome = try m.step(d, batchSize: 8, steps: 40, context: ForwardContext(seed: 21))
            losses.append(outcome.stepLosses)
        }
        for (a, b) in zip(losses[0], losses[1]) { XCTAssertEqual(a, b, accuracy: 1e-5 * max(1, abs(b))) }
        XCTAssertLessThan(losses[0].last ?? 1, 0.5 * (losses[0].first ?? 0), "the sigmoid design learns")
    }

    func testAWarningOnceWhenPositivesSitAtTheClipOfAnOutputThatCannotFuse() throws {
        // A relu output of exactly 0 for every sample: probabilities at the clip, no fusion possible.
        let m = try denseModel(1, .relu)
        try setWeight(m.layers[1], "kernel", Tensor.zeros([4, 1]))
        try setWeight(m.layers[1], "bias", Tensor(shape: [1], values: [-1]))
        m.compile(loss: .binaryCrossentropy(fromLogits: false), optimizer: try SGD(learningRate: 0.1))
        let d = try data(seededTensor([8, 4], seed: 2), Tensor(shape: [8, 1], values: [1, 0, 1, 0, 1, 0, 1, 0]))
        let context = ForwardContext(seed: 3)
        var warnings: [String] = []
        context.warn = { warnings.append($0) }
        _ = try m.step(d, batchSize: 4, steps: 3, context: context)
        XCTAssertEqual(warnings.count, 1, "\(warnings)")
        let w = warnings.first ?? ""
        XCTAssertTrue(w.contains(m.layers[1].name) && w.contains("from_logits: true"), w)

        // A sigmoid output stuck as low is trained from logits: no warning.
        let s = try denseModel(1, .sigmoid)
        try setWeight(s.layers[1], "bias", Tensor(shape: [1], values: [-30]))
        s.compile(loss: .binaryCrossentropy(fromLogits: false), optimizer: try SGD(learningRate: 0.1))
        warnings = []
        _ = try s.step(d, batchSize: 4, steps: 3, context: context)
        XCTAssertEqual(warnings, [])
    }
}
