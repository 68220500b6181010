import XCTest
@testable import PlexusTensor

final class LossTests: XCTestCase {
    private func t(_ shape: [Int], _ values: [Float]) throws -> Tensor {
        try Tensor(shape: shape, values: values)
    }

    private func assertClose(_ a: [Float], _ b: [Float], _ tol: Float = 1e-6,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, file: file, line: line)
        for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: tol, "\(a) vs \(b)", file: file, line: line) }
    }

    // MARK: values by hand

    func testMSEByHand() throws {
        // (0 + 4 + 4) / 3
        XCTAssertEqual(try mseLoss(t([3], [1, 2, 3]), t([3], [1, 0, 5])), 8.0 / 3, accuracy: 1e-6)
    }

    func testMAEByHand() throws {
        // (0 + 2 + 2 + 0.5) / 4
        XCTAssertEqual(try maeLoss(t([2, 2], [1, 2, 3, 0]), t([2, 2], [1, 0, 5, 0.5])), 1.125, accuracy: 1e-6)
    }

    func testBinaryCrossentropyOfProbabilityByHand() throws {
        // -log(0.8)
        XCTAssertEqual(try binaryCrossentropy(t([1], [0.8]), t([1], [1])), 0.22314355, accuracy: 1e-6)
    }

    func testBinaryCrossentropyClipsACertainWrongAnswer() throws {
        // -log(1e-7), Keras's epsilon: finite, not infinity.
        XCTAssertEqual(try binaryCrossentropy(t([1], [0]), t([1], [1])), 16.118095, accuracy: 1e-4)
    }

    func testBinaryCrossentropyFromLogitsIsStableForLargeLogits() throws {
        // numpy: mean(max(x, 0) - x z + log1p(exp(-|x|))) for x = [100, -3], z = [0, 1]
        XCTAssertEqual(try binaryCrossentropy(t([2], [100, -3]), t([2], [0, 1]), fromLogits: true),
                       51.524293, accuracy: 1e-4)
    }

    func testBinaryCrossentropyLogitsAgreeWithSigmoidProbabilities() throws {
        let logits: [Float] = [-1.5, 0.3, 2]
        let probs = logits.map { 1 / (1 + exp(-$0)) }
        let z = try t([3], [0, 1, 1])
        XCTAssertEqual(try binaryCrossentropy(t([3], logits), z, fromLogits: true),
                       try binaryCrossentropy(t([3], probs), z), accuracy: 1e-5)
    }

    func testSparseCategoricalCrossentropyOfLogitsByHand() throws {
        // logsumexp([2, 1, 0]) - 2
        XCTAssertEqual(try sparseCategoricalCrossentropy(t([1, 3], [2, 1, 0]), labels: t([1], [0]), fromLogits: true),
                       0.40760596, accuracy: 1e-6)
    }

    func testCategoricalCrossentropyNormalisesProbabilities() throws {
        // [2, 1, 1] / 4 = [0.5, 0.25, 0.25]; -log(0.5)
        XCTAssertEqual(try categoricalCrossentropy(t([1, 3], [2, 1, 1]), t([1, 3], [1, 0, 0])),
                       0.69314718, accuracy: 1e-6)
    }

    func testSparseAndOneHotFormsAgree() throws {
        let pred = try t([2, 3], [0.2, 0.5, 0.3, 0.6, 0.3, 0.1])
        let oneHot = try t([2, 3], [0, 1, 0, 0, 0, 1])
        let labels = try t([2], [1, 2])
        for logits in [false, true] {
            XCTAssertEqual(try categoricalCrossentropy(pred, oneHot, fromLogits: logits),
                           try sparseCategoricalCrossentropy(pred, labels: labels, fromLogits: logits), accuracy: 1e-6)
        }
    }

    func testLogitsGradientIsSoftmaxMinusOneHotOverBatch() throws {
        // numpy: (softmax(x) - onehot) / 2 for x = [[2, 1, 0], [0.5, -1, 3]], labels [0, 2]
        let x = Variable(try t([2, 3], [2, 1, 0, 0.5, -1, 3]), requiresGrad: true)
        let expected: [Float] = [-0.16737952, 0.12236424, 0.04501529, 0.03729778, 0.00832226, -0.04562004]
        let sparse = try sparseCategoricalCrossentropy(x, labels: t([2], [0, 2]), fromLogits: true)
        XCTAssertEqual(sparse.value.scalarValue ?? 0, 0.25164015, accuracy: 1e-6)
        assertClose(try gradients(of: sparse, withRespectTo: [x])[0].scalars, expected)
        let dense = try categoricalCrossentropy(x, t([2, 3], [1, 0, 0, 0, 0, 1]), fromLogits: true)
        assertClose(try gradients(of: dense, withRespectTo: [x])[0].scalars, expected)
    }

    func testContrastiveLabelOneMeansSimilar() throws {
        // d = 0.2 for both pairs, margin 1: similar costs d^2 = 0.04, dissimilar (1 - d)^2 = 0.64.
        let d = try t([2], [0.2, 0.2])
        XCTAssertEqual(try contrastiveLoss(d, t([2], [1, 0])), 0.34, accuracy: 1e-6)
        XCTAssertEqual(try contrastiveLoss(d, t([2], [1, 1])), 0.04, accuracy: 1e-6)
        XCTAssertEqual(try contrastiveLoss(t([1], [1.5]), t([1], [0]), margin: 1), 0, accuracy: 1e-7)
    }

    func testEmptyBatchLossIsZero() throws {
        XCTAssertEqual(try mseLoss(Tensor.zeros([0, 3]), Tensor.zeros([0, 3])), 0)
    }

    // MARK: errors

    func testMismatchedTargetNamesBothShapes() throws {
        XCTAssertThrowsError(try mseLoss(Variable(try Tensor.zeros([4, 2])), try Tensor.zeros([4]))) { error in
            XCTAssertTrue("\(error)".contains("(4, 2)") && "\(error)".contains("(4,)"), "\(error)")
        }
    }

    func testTrailingOneInTargetShapeIsAccepted() throws {
        XCTAssertEqual(try mseLoss(t([2, 1], [1, 2]), t([2], [0, 0])), 2.5, accuracy: 1e-6)
        XCTAssertEqual(try sparseCategoricalCrossentropy(t([1, 3], [2, 1, 0]), labels: t([1, 1], [0]), fromLogits: true),
                       0.40760596, accuracy: 1e-6)
    }

    func testOutOfRangeLabelIsNamed() throws {
        let pred = Variable(try Tensor.zeros([2, 3]))
        XCTAssertThrowsError(try sparseCategoricalCrossentropy(pred, labels: t([2], [0, 3]))) { error in
            let s = "\(error)"
            XCTAssertTrue(s.contains("label 3") && s.contains("index 1") && s.contains("0..<3"), s)
        }
        XCTAssertThrowsError(try sparseCategoricalCrossentropy(pred, labels: t([2], [-1, 0])))
        XCTAssertThrowsError(try sparseCategoricalCrossentropy(pred, labels: t([2], [0.5, 0])))
    }

    // MARK: gradients

    func testMSEAndMAEGradients() throws {
        var gen = RandomGenerator(seed: 1)
        let p = try Tensor.normal([3, 4], using: &gen)
        // Targets at least 0.5 away from predictions: MAE's kink stays out of the step.
        let target = try Tensor(shape: [3, 4], values: p.scalars.enumerated().map { $1 + ($0 % 2 == 0 ? 0.7 : -0.6) })
        let r1 = try gradcheck([p]) { v in try mseLoss(v[0], target) }
        XCTAssertTrue(r1.passed, "\(r1)")
        let r2 = try gradcheck([p]) { v in try maeLoss(v[0], target) }
        XCTAssertTrue(r2.passed, "\(r2)")
    }

    func testMAEGradientIsZeroWherePredictionEqualsTarget() throws {
        let x = Variable(try t([3], [1, 2, 3]), requiresGrad: true)
        let g = try gradients(of: try maeLoss(x, t([3], [1, 0, 5])), withRespectTo: [x])
        assertClose(g[0].scalars, [0, 1.0 / 3, -1.0 / 3])
    }

    func testBinaryCrossentropyGradients() throws {
        var gen = RandomGenerator(seed: 2)
        let probs = try Tensor.uniform([4, 3], low: 0.15, high: 0.85, using: &gen)
        let z = try Tensor.uniform([4, 3], using: &gen)   // soft targets catch a dropped (1 - z) term
        let r1 = try gradcheck([probs]) { v in try binaryCrossentropy(v[0], z) }
        XCTAssertTrue(r1.passed, "\(r1)")
        let logits = try Tensor.normal([4, 3], std: 2, using: &gen)
        let r2 = try gradcheck([logits]) { v in try binaryCrossentropy(v[0], z, fromLogits: true) }
        XCTAssertTrue(r2.passed, "\(r2)")
    }

    func testBinaryCrossentropyGradientStopsOutsideTheClip() throws {
        let x = Variable(try t([2], [0, 0.5]), requiresGrad: true)
        let g = try gradients(of: try binaryCrossentropy(x, t([2], [1, 1])), withRespectTo: [x])
        assertClose(g[0].scalars, [0, -1])   // d/dp of -log p / 2 at 0.5
    }

    func testCategoricalCrossentropyGradients() throws {
        var gen = RandomGenerator(seed: 3)
        // Unnormalised positive scores: the normalisation's gradient is part of the check.
        let probs = try Tensor.uniform([3, 4], low: 0.5, high: 2, using: &gen)
        let soft = try Tensor.uniform([3, 4], using: &gen)
        let r1 = try gradcheck([probs]) { v in try categoricalCrossentropy(v[0], soft) }
        XCTAssertTrue(r1.passed, "\(r1)")
        let logits = try Tensor.normal([3, 4], using: &gen)
        let r2 = try gradcheck([logits]) { v in try categoricalCrossentropy(v[0], soft, fromLogits: true) }
        XCTAssertTrue(r2.passed, "\(r2)")
    }

    func testSparseCategoricalCrossentropyGradients() throws {
        var gen = RandomGenerator(seed: 4)
        let labels = try t([2, 3], [0, 3, 1, 2, 2, 0])
        let probs = try Tensor.uniform([2, 3, 4], low: 0.5, high: 2, using: &gen)
        let r1 = try gradcheck([probs]) { v in try sparseCategoricalCrossentropy(v[0], labels: labels) }
        XCTAssertTrue(r1.passed, "\(r1)")
        let logits = try Tensor.normal([2, 3, 4], using: &gen)
        let r2 = try gradcheck([logits]) { v in try sparseCategoricalCrossentropy(v[0], labels: labels, fromLogits: true) }
        XCTAssertTrue(r2.passed, "\(r2)")
    }

    func testContrastiveGradient() throws {
        // Distances on both sides of the margin (1), none within a step of it.
        let d = try t([6], [0.1, 0.4, 0.8, 1.3, 0.6, 2])
        let y = try t([6], [1, 0, 0, 0, 1, 1])
        let r = try gradcheck([d]) { v in try contrastiveLoss(v[0], y) }
        XCTAssertTrue(r.passed, "\(r)")
    }
}
