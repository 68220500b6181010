import PlexusTensor
import PlexusNN
import XCTest
@testable import PlexusNN

// Reference numbers marked "numpy" come from a 20-line numpy 2.4 script (not kept) that replays Keras 3's
// update_step formulas in float32 (adam.py, rmsprop.py); the others are worked by hand in the comments.

final class OptimizerTests: XCTestCase {
    private func weight(_ values: [Float], label: String? = nil) throws -> Variable {
        Variable(try Tensor(shape: [values.count], values: values), requiresGrad: true, label: label)
    }

    private func tensor(_ values: [Float]) throws -> Tensor { try Tensor(shape: [values.count], values: values) }

    private func assertClose(_ a: [Float], _ b: [Float], accuracy: Float = 1e-6,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, "\(a) vs \(b)", file: file, line: line)
        for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, "\(a) vs \(b)", file: file, line: line) }
    }

    // MARK: SGD

    func testSGDWithoutMomentumSubtractsLearningRateTimesGradient() throws {
        let w = try weight([1, -2, 3])
        try SGD(learningRate: 0.1).update([w], gradients: [tensor([0.5, 1, -1])])
        assertClose(w.value.scalars, [0.95, -2.1, 3.1])
    }

    func testSGDMomentumTwoStepsFollowKerasVelocityRule() throws {
        // v1 = -0.1*g1 = (-0.1, 0.1), w = (0.9, 2.1)
        // v2 = 0.9*v1 - 0.1*g2 = (-0.14, 0.04), w = (0.76, 2.14)
        let w = try weight([1, 2])
        let opt = try SGD(learningRate: 0.1, momentum: 0.9)
        try opt.update([w], gradients: [tensor([1, -1])])
        assertClose(w.value.scalars, [0.9, 2.1])
        try opt.update([w], gradients: [tensor([0.5, 0.5])])
        assertClose(w.value.scalars, [0.76, 2.14])
    }

    func testSGDNesterovAddsMomentumTimesVelocityMinusStep() throws {
        // step 1: v = (-0.1, 0.1); w += 0.9*v - 0.1*g1 = (-0.19, 0.19) -> (0.81, 2.19)
        // step 2: v = (-0.14, 0.04); w += 0.9*v - 0.1*g2 = (-0.176, -0.014) -> (0.634, 2.176)
        let w = try weight([1, 2])
        let opt = try SGD(learningRate: 0.1, momentum: 0.9, nesterov: true)
        try opt.update([w], gradients: [tensor([1, -1])])
        assertClose(w.value.scalars, [0.81, 2.19])
        try opt.update([w], gradients: [tensor([0.5, 0.5])])
        assertClose(w.value.scalars, [0.634, 2.176])
    }

    func testSGDRejectsMomentumOutsideUnitIntervalAsKeras() {
        XCTAssertThrowsError(try SGD(momentum: 1.5)) { XCTAssertTrue("\($0)".contains("momentum"), "\($0)") }
        XCTAssertThrowsError(try SGD(momentum: -0.1))
    }

    func testSGDWeightDecayIsDecoupledFromTheGradient() throws {
        // Keras: w -= w*wd*lr first (2 - 2*0.5*0.1 = 1.9), then w -= lr*g (1.9 - 0.1*1 = 1.8)
        let w = try weight([2])
        try SGD(learningRate: 0.1, weightDecay: 0.5).update([w], gradients: [tensor([1])])
        assertClose(w.value.scalars, [1.8])
    }

    // MARK: Adam, AdamW

    func testAdamFirstStepMovesEachWeightByLearningRateAgainstGradientSign() throws {
        // m = 0.1g, v = 0.001g^2, alpha = lr*sqrt(0.001)/0.1: the step is lr*g/|g| up to epsilon.
        let w = try weight([0, 0, 0, 0])
        try Adam(learningRate: 0.01).update([w], gradients: [tensor([3, -0.5, 200, -5])])
        assertClose(w.value.scalars, [-0.01, 0.01, -0.01, 0.01], accuracy: 1e-7)
        // A tiny gradient shows epsilon: 0.01 * s / (s + 1e-7) with s = 0.01 * sqrt(0.001) = 3.1623e-4
        let small = try weight([0])
        try Adam(learningRate: 0.01).update([small], gradients: [tensor([-0.01])])
        assertClose(small.value.scalars, [0.0099968], accuracy: 1e-7)
    }

    func testAdamTwoStepsMatchKerasRule() throws {
        let w = try weight([1, -2, 0.5])
        let opt = try Adam(learningRate: 0.01)
        try opt.update([w], gradients: [tensor([0.3, -4, 1])])
        try opt.update([w], gradients: [tensor([-0.2, 1, 1])])
        assertClose(w.value.scalars, [0.98855495, -1.9853053, 0.4800001])  // numpy
    }

    func testAmsgradDividesByTheLargestSecondMomentSeen() throws {
        // beta_2 = 0.5 makes v fall by half after a large gradient; AMSGrad keeps the larger one.
        let grads: [[Float]] = [[3, -4], [0.01, 0.02]]
        let plain = try weight([1, -2]), ams = try weight([1, -2])
        let a = try Adam(learningRate: 0.01, beta2: 0.5), b = try Adam(learningRate: 0.01, beta2: 0.5, amsgrad: true)
        for g in grads {
            try a.update([plain], gradients: [tensor(g)])
            try b.update([ams], gradients: [tensor(g)])
        }
        assertClose(plain.value.scalars, [0.9817653, -1.9818413])  // numpy
        assertClose(ams.value.scalars, [0.9841771, -1.9842309])    // numpy
    }

    func testAdamWWithZeroGradientOnlyDecaysTheWeights() throws {
        // Zero gradient: m = v = 0 and the Adam step is 0/(0+eps) = 0; the decay is w*(1 - 0.1*0.5).
        let w = try weight([2, -4]), plain = try weight([2, -4])
        let zero = try tensor([0, 0])
        try AdamW(learningRate: 0.1, weightDecay: 0.5).update([w], gradients: [zero])
        try Adam(learningRate: 0.1).update([plain], gradients: [zero])
        assertClose(w.value.scalars, [1.9, -3.8])
        assertClose(plain.value.scalars, [2, -4])
    }

    func testAdamWDefaultsAreKerasDefaults() throws {
        let opt = try AdamW()
        XCTAssertEqual(opt.learningRate, 0.001)
        XCTAssertEqual(opt.weightDecay, 0.004)
        XCTAssertEqual(opt.beta1, 0.9)
        XCTAssertEqual(opt.beta2, 0.999)
        XCTAssertEqual(opt.epsilon, 1e-7)
    }

    func testAWeightThatJoinsLaterGetsItsOwnBiasCorrection() throws {
        let a = try weight([0]), b = try weight([0])
        let opt = try Adam(learningRate: 0.01)
        for _ in 0..<5 { try opt.update([a], gradients: [tensor([1])]) }
        try opt.update([a, b], gradients: [tensor([1]), tensor([-7])])
        XCTAssertEqual(opt.iterations, 6)
        assertClose(b.value.scalars, [0.01])  // a first step: lr * sign, not the step-6 correction
    }

    // MARK: RMSprop

    func testRMSpropMatchesKerasDocstringExample() throws {
        // keras/src/optimizers/rmsprop.py docstring: lr 0.1, var 10, loss var^2/2 -> 9.683772
        let w = try weight([10])
        try RMSprop(learningRate: 0.1).update([w], gradients: [w.value])
        assertClose(w.value.scalars, [9.683772])
    }

    func testRMSpropTwoStepsMatchKerasRule() throws {
        let w = try weight([1, -2, 0.5])
        let opt = try RMSprop(learningRate: 0.01)
        try opt.update([w], gradients: [tensor([0.3, -4, 1])])
        try opt.update([w], gradients: [tensor([-0.2, 1, 1])])
        assertClose(w.value.scalars, [0.98655915, -1.9764354, 0.44543567])  // numpy
    }

    func testRMSpropCenteredWithMomentumMatchesKerasRule() throws {
        let w = try weight([1, -2, 0.5])
        let opt = try RMSprop(learningRate: 0.01, momentum: 0.5, centered: true)
        try opt.update([w], gradients: [tensor([0.3, -4, 1])])
        try opt.update([w], gradients: [tensor([-0.2, 1, 1])])
        assertClose(w.value.scalars, [0.968219, -1.9582412, 0.4245094], accuracy: 2e-6)  // numpy
    }

    // MARK: Clipping

    func testClipNormRescalesEachGradientToTheNorm() throws {
        // g = (3, 4) has norm 5: clipped to (0.6, 0.8); h = (0.3, 0.4) has norm 0.5 < 1: unchanged.
        let w = try weight([0, 0]), v = try weight([0, 0])
        try SGD(learningRate: 1, clipNorm: 1).update([w, v], gradients: [tensor([3, 4]), tensor([0.3, 0.4])])
        assertClose(w.value.scalars, [-0.6, -0.8])
        assertClose(v.value.scalars, [-0.3, -0.4])
    }

    func testGlobalClipNormScalesAllGradientsByOneFactor() throws {
        // Joint norm of (3) and (4) is 5; clip 2.5 halves both.
        let w = try weight([0]), v = try weight([0])
        try SGD(learningRate: 1, globalClipNorm: 2.5).update([w, v], gradients: [tensor([3]), tensor([4])])
        assertClose(w.value.scalars, [-1.5])
        assertClose(v.value.scalars, [-2])
    }

    func testClipValueClampsEachElement() throws {
        let w = try weight([0, 0, 0])
        try SGD(learningRate: 1, clipValue: 0.5).update([w], gradients: [tensor([2, -0.1, -3])])
        assertClose(w.value.scalars, [-0.5, 0.1, 0.5])
    }

    func testClippingDoesNotModifyTheCallersGradient() throws {
        let w = try weight([0, 0]), g = try tensor([3, 4])
        try SGD(clipNorm: 1).update([w], gradients: [g])
        XCTAssertEqual(g.scalars, [3, 4])
    }

    func testOnlyOneClippingArgumentMayBeSet() {
        XCTAssertThrowsError(try Adam(clipNorm: 1, clipValue: 1)) { error in
            XCTAssertTrue("\(error)".contains("only one of clipnorm"), "\(error)")
        }
        XCTAssertThrowsError(try SGD(globalClipNorm: 0))
    }

    // MARK: Which weights, state

    func testFrozenVariableIsNeverTouched() throws {
        let original = try tensor([1, 2])
        let frozen = Variable(original, requiresGrad: false)
        let w = try weight([1, 2])
        let opt = try AdamW(learningRate: 0.1)
        try opt.update([frozen, w], gradients: [tensor([5, 5]), tensor([5, 5])])
        XCTAssertEqual(frozen.value.scalars, [1, 2])
        XCTAssertTrue(frozen.value.sharesStorage(with: original), "a frozen weight's storage is not even copied")
        XCTAssertNil(opt.states[ObjectIdentifier(frozen)])
        XCTAssertNotEqual(w.value.scalars, [1, 2])
    }

    func testStateIsAllocatedOnceAndReusedAcrossSteps() throws {
        let w = try weight([1, 2, 3])
        let opt = try Adam()
        try opt.update([w], gradients: [tensor([1, 1, 1])])
        let state = try XCTUnwrap(opt.states[ObjectIdentifier(w)])
        let slots = state.slots
        try opt.update([w], gradients: [tensor([1, 1, 1])])
        XCTAssertTrue(opt.states[ObjectIdentifier(w)] === state)
        XCTAssertEqual(state.slots, slots)
        XCTAssertEqual(state.step, 2)
        // m after two steps of g = 1: 0.1, then 0.1 + 0.9*0.1 = 0.19
        assertClose(try state.slot(0).scalars, [0.19, 0.19, 0.19])
    }

    func testUpdateWithoutGradientsUsesEachWeightsGrad() throws {
        let w = try weight([1, 2]), untouched = try weight([3])
        w.grad = try tensor([1, -1])
        try SGD(learningRate: 0.5).update([w, untouched])
        assertClose(w.value.scalars, [0.5, 2.5])
        XCTAssertEqual(untouched.value.scalars, [3])
    }

    func testUpdateWithNoGradientAtAllThrows() throws {
        XCTAssertThrowsError(try SGD().update([try weight([1])])) { error in
            XCTAssertTrue("\(error)".contains("backward()"), "\(error)")
        }
    }

    func testMismatchedGradientShapeThrowsAndUpdatesNothing() throws {
        let a = try weight([1, 2]), b = Variable(try Tensor.zeros([2, 3]), requiresGrad: true, label: "kernel")
        XCTAssertThrowsError(try SGD().update([a, b], gradients: [tensor([1, 1]), Tensor.zeros([3, 2])])) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("(3, 2)") && text.contains("(2, 3)") && text.contains("'kernel'"), text)
        }
        XCTAssertEqual(a.value.scalars, [1, 2])
    }

    func testGradientCountMustMatchWeights() throws {
        XCTAssertThrowsError(try SGD().update([try weight([1])], gradients: []))
    }

    func testAWeightListedTwiceThrows() throws {
        let w = try weight([1])
        let opt = try SGD()
        XCTAssertThrowsError(try opt.update([w, w], gradients: [tensor([1]), tensor([1])])) { error in
            XCTAssertTrue("\(error)".contains("twice"), "\(error)")
        }
        XCTAssertEqual(w.value.scalars, [1])
        try opt.update([w], gradients: [tensor([1])])  // a failed call leaves nothing behind
        assertClose(w.value.scalars, [0.99])
    }

    func testAComputedVariableIsNotAWeight() throws {
        let w = try weight([1])
        let computed = w * 2
        XCTAssertThrowsError(try SGD().update([computed], gradients: [tensor([1])])) { error in
            XCTAssertTrue("\(error)".contains("computed"), "\(error)")
        }
    }

    func testAdamMinimisesAnIllConditionedQuadratic() throws {
        // loss = sum(a * (w - c)^2) with curvatures 1 and 100; its minimum is w = c.
        let a = Variable(try tensor([1, 100])), c = Variable(try tensor([3, -2]))
        let w = try weight([0, 0])
        let opt = try Adam(learningRate: 0.1)
        for _ in 0..<300 {
            w.zeroGrad()
            let loss = try a * square(try w - c)
            try loss.backward(seed: try Tensor.ones([2]))
            try opt.update([w])
        }
        assertClose(w.value.scalars, [3, -2], accuracy: 1e-2)
    }

    func testSGDMomentumMinimisesAQuadratic() throws {
        let c = Variable(try tensor([3, -2, 0.5]))
        let w = try weight([0, 0, 0])
        let opt = try SGD(learningRate: 0.05, momentum: 0.9)
        for _ in 0..<200 {
            w.zeroGrad()
            try square(try w - c).backward(seed: try Tensor.ones([3]))
            try opt.update([w])
        }
        assertClose(w.value.scalars, [3, -2, 0.5], accuracy: 1e-3)
    }

    // MARK: Descriptions and names

    func testDescriptionsShowLearningRateAndNonDefaultArguments() throws {
        XCTAssertEqual(try Adam().description, "adam(learning_rate: 0.001)")
        XCTAssertEqual(try AdamW().description, "adamw(learning_rate: 0.001)")
        XCTAssertEqual(try SGD(learningRate: 0.1, momentum: 0.9, nesterov: true).description,
                       "sgd(learning_rate: 0.1, momentum: 0.9, nesterov: true)")
        XCTAssertEqual(try RMSprop(centered: true, clipNorm: 1).description,
                       "rmsprop(learning_rate: 0.001, centered: true, clipnorm: 1.0)")
        XCTAssertEqual(try AdamW(weightDecay: 0.01, amsgrad: true).description,
                       "adamw(learning_rate: 0.001, amsgrad: true, weight_decay: 0.01)")
    }

    func testNamesAreKerasDefaultNames() throws {
        XCTAssertEqual(try SGD().name, "SGD")
        XCTAssertEqual(try Adam().name, "adam")
        XCTAssertEqual(try AdamW().name, "adamw")
        XCTAssertEqual(try RMSprop().name, "rmsprop")
    }

    func testNamedBuildsDefaultsAndRejectsUnknownNames() throws {
        XCTAssertTrue(try Optimizer.named("SGD") is SGD)
        XCTAssertTrue(try Optimizer.named("adamw") is AdamW)
        XCTAssertThrowsError(try Optimizer.named("adagrad")) { error in
            XCTAssertTrue("\(error)".contains("rmsprop"), "\(error)")
        }
    }
}

extension OptimizerTests {
    /// Adam's update runs eight lanes at a time with a scalar tail: 19 weights (two blocks and a
    /// tail) over three steps must follow Keras's formula element by element.
    func testAdamVectorisedUpdateFollowsTheFormulaOnEveryLane() throws {
        var gen = RandomGenerator(seed: 31)
        let start = try Tensor.normal([19], using: &gen)
        let w = Variable(start, requiresGrad: true)
        let opt = try Adam(learningRate: 0.01)
        var expected = start.scalars
        var m = [Float](repeating: 0, count: 19), v = [Float](repeating: 0, count: 19)
        for step in 1...3 {
            let g = try Tensor.normal([19], using: &gen)
            try opt.update([w], gradients: [g])
            let alpha = 0.01 * (1 - pow(Float(0.999), Float(step))).squareRoot() / (1 - pow(Float(0.9), Float(step)))
            for i in 0..<19 {
                m[i] += (g.scalars[i] - m[i]) * (1 - 0.9)
                v[i] += (g.scalars[i] * g.scalars[i] - v[i]) * (1 - 0.999)
                expected[i] -= (m[i] * alpha) / (v[i].squareRoot() + 1e-7)
            }
        }
        for (a, b) in zip(w.value.scalars, expected) { XCTAssertEqual(a, b, accuracy: 1e-6) }
    }
}
