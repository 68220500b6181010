import XCTest
@testable import PlexusTensor

/// The gradient of sum(f(x)) with respect to x: each element's local derivative.
private func localGradient(_ x: Tensor, _ f: (Variable) -> Variable) throws -> [Float] {
    let v = Variable(x, requiresGrad: true)
    return try gradients(of: try sumAll(f(v)), withRespectTo: [v])[0].scalars
}

private func values(_ xs: [Float]) throws -> Tensor { try Tensor(shape: [xs.count], values: xs) }

/// Every activation, with non-default parameters where it has any.
private let everyActivation: [ActivationFunction] = [
    .linear, .relu, .relu6, .leakyRelu(alpha: 0.2), .leakyRelu(alpha: 0.3), .elu(alpha: 1), .elu(alpha: 0.5),
    .gelu(approximate: false), .gelu(approximate: true), .silu, .sigmoid, .tanh, .softplus,
]

final class ActivationTests: XCTestCase {
    // Reference values from Python's math module in double precision (erfc, tanh, exp, expm1,
    // log1p). At 1 they agree with the TensorFlow keras.activations.gelu docs (0.8413447, 0.841192);
    // at -3 the docs' float32 values (-0.00404951, -0.00363752) are off in the 6th digit, lost to
    // 1 + erf cancelling, which the erfc and sigmoid forms here avoid.

    func testGeluExactAndTanhApproximationHandValues() throws {
        let x = try values([-3, 0, 1])
        let exact = x.gelu().scalars, approx = x.gelu(approximate: true).scalars
        XCTAssertEqual(exact[0], -0.0040496941, accuracy: 2e-9)
        XCTAssertEqual(exact[1], 0)
        XCTAssertEqual(exact[2], 0.8413447, accuracy: 1e-6)
        XCTAssertEqual(approx[0], -0.0036373921, accuracy: 2e-9)
        XCTAssertEqual(approx[2], 0.8411920, accuracy: 1e-6)
    }

    func testGeluDerivativeHandValues() throws {
        // Phi(1) + phi(1) = 1.0833155; Phi(-2) - 2 phi(-2) = -0.0852318; tanh form at 1: 1.0829641.
        let exact = try localGradient(try values([1, -2])) { $0.gelu() }
        XCTAssertEqual(exact[0], 1.0833155, accuracy: 1e-5)
        XCTAssertEqual(exact[1], -0.0852318, accuracy: 1e-5)
        XCTAssertEqual(try localGradient(try values([1])) { $0.gelu(approximate: true) }[0], 1.0829641, accuracy: 1e-5)
    }

    func testSiluEluSoftplusLeakyRelu6HandValues() throws {
        XCTAssertEqual(try values([1]).silu().scalars[0], 0.7310586, accuracy: 1e-6)
        XCTAssertEqual(try localGradient(try values([1])) { $0.silu() }[0], 0.9276705, accuracy: 1e-5)
        XCTAssertEqual(try values([-1]).elu().scalars[0], -0.6321206, accuracy: 1e-6)
        XCTAssertEqual(try values([0]).softplus().scalars[0], 0.6931472, accuracy: 1e-6)
        // Keras's example: LeakyReLU(negative_slope=0.5) on [-10, -5, 0, 5, 10].
        XCTAssertEqual(try values([-10, -5, 0, 5, 10]).leakyRelu(alpha: 0.5).scalars, [-5, -2.5, 0, 5, 10])
        XCTAssertEqual(try values([-10, 5]).leakyRelu().scalars, [-2, 5])
        XCTAssertEqual(try values([-1, 3, 7]).relu6().scalars, [0, 3, 6])
        XCTAssertEqual(try values([-1, 0, 2]).relu().scalars, [0, 0, 2])
    }

    func testSigmoidAndSoftplusAreStableAtExtremes() throws {
        let s = try values([-100, 100, -1e30, 1e30]).sigmoid().scalars
        XCTAssertEqual(s[0], 0, accuracy: 1e-30)
        XCTAssertEqual(s[1], 1)
        XCTAssertEqual(s[2], 0)
        XCTAssertEqual(s[3], 1)
        let p = try values([-100, 100, 1e30]).softplus().scalars
        // log1p(exp(-100)) = 3.72e-44: a subnormal Float, positive and not flushed to -inf or NaN.
        XCTAssertGreaterThan(p[0], 0)
        XCTAssertLessThan(p[0], Float.leastNormalMagnitude)
        XCTAssertEqual(p[1], 100)
        XCTAssertEqual(p[2], 1e30)
    }

    func testNoNaNAtHugeInputsForwardOrBackward() throws {
        let x = try values([-1e30, -200, 200, 1e30])
        for act in everyActivation {
            let y = try act.apply(x).scalars
            let g = try act.backward(input: x, gradient: try Tensor.ones([4])).scalars
            XCTAssertFalse(y.contains(where: \.isNaN), "\(act) forward \(y)")
            XCTAssertFalse(g.contains(where: \.isNaN), "\(act) backward \(g)")
        }
    }

    func testEveryActivationGradcheckAwayFromKinks() throws {
        var gen = RandomGenerator(seed: 21)
        // Non-square, spread over both sides of 0 and past 6 (relu6), kept 0.1 away from 0 and 6.
        let raw = try Tensor.normal([3, 7], std: 3, using: &gen)
        let x = try Tensor(shape: [3, 7], values: raw.scalars.map { v in
            if Swift.abs(v) < 0.1 { return v < 0 ? -0.1 : 0.1 }
            if Swift.abs(v - 6) < 0.1 { return v < 6 ? 5.9 : 6.1 }
            return v
        })
        for act in everyActivation {
            let r = try gradcheck([x]) { v in try act.apply(v[0]) }
            XCTAssertTrue(r.passed, "\(act): \(r)")
        }
    }

    func testKerasGeneralReluMatchesItsDefinitionAndFiniteDifferences() throws {
        // Keras ReLU(max_value=1.5, negative_slope=0.3, threshold=0.25), values away from the kinks.
        let x = try values([-1, -0.4, 0.1, 0.6, 0.9, 1.2, 1.9, 3])
        let y = Variable(x).relu(maxValue: 1.5, negativeSlope: 0.3, threshold: 0.25).value.scalars
        let expected = x.scalars.map { v in v > 0.25 ? Swift.min(v, 1.5) : 0.3 * (v - 0.25) }
        for (a, b) in zip(y, expected) { XCTAssertEqual(a, b, accuracy: 1e-6) }
        let r = try gradcheck([x], eps: 1e-3) { v in v[0].relu(maxValue: 1.5, negativeSlope: 0.3, threshold: 0.25) }
        XCTAssertTrue(r.passed, "\(r)")
        XCTAssertEqual(try localGradient(try values([0.25, 1.5])) { $0.relu(maxValue: 1.5, negativeSlope: 0.3, threshold: 0.25) },
                       [0.3, 0], "at the threshold the slope, at max_value nothing")
    }

    func testReluGradientAtExactlyZeroIsZero() throws {
        XCTAssertEqual(try localGradient(try values([-1, 0, 1])) { $0.relu() }, [0, 0, 1])
        XCTAssertEqual(try localGradient(try values([0, 3, 6])) { $0.relu6() }, [0, 1, 0])
        XCTAssertEqual(try localGradient(try values([0])) { $0.leakyRelu(alpha: 0.3) }, [0.3])
        XCTAssertEqual(try localGradient(try values([0])) { $0.elu(alpha: 0.5) }, [0.5])
    }

    func testBackwardFromOutputMatchesBackwardFromInput() throws {
        var gen = RandomGenerator(seed: 22)
        let x = try Tensor.normal([5, 4], std: 4, using: &gen)
        let g = try Tensor.normal([5, 4], using: &gen)
        for act in everyActivation where act.derivativeFromOutput {
            let fromOutput = try act.backward(output: act.apply(x), gradient: g).scalars
            let fromInput = try act.backward(input: x, gradient: g).scalars
            for (a, b) in zip(fromOutput, fromInput) {
                XCTAssertEqual(a, b, accuracy: 1e-5 * Swift.max(1, Swift.abs(b)), "\(act)")
            }
        }
    }

    func testWhichActivationsDeriveFromOutput() {
        let fromOutput = everyActivation.filter(\.derivativeFromOutput).map(\.description)
        XCTAssertEqual(fromOutput, ["linear", "relu", "relu6", "leaky_relu", "leaky_relu(alpha: 0.3)", "elu",
                                    "elu(alpha: 0.5)", "sigmoid", "tanh", "softplus"])
        XCTAssertFalse(ActivationFunction.leakyRelu(alpha: -0.1).derivativeFromOutput)
    }

    func testBackwardFromOutputThrowsWhenTheInputIsNeeded() throws {
        let y = try Tensor.zeros([2])
        XCTAssertThrowsError(try ActivationFunction.gelu(approximate: false).backward(output: y, gradient: y)) { error in
            XCTAssertTrue("\(error)".contains("backward(input:gradient:)"), "\(error)")
        }
        XCTAssertThrowsError(try ActivationFunction.silu.backward(output: y, gradient: y))
    }

    func testBackwardShapeMismatchNamesBothShapes() throws {
        XCTAssertThrowsError(try ActivationFunction.relu.backward(output: try Tensor.zeros([2, 3]), gradient: try Tensor.zeros([3, 2]))) { error in
            XCTAssertTrue("\(error)".contains("(2, 3)") && "\(error)".contains("(3, 2)"), "\(error)")
        }
    }

    func testKerasNamesRoundTrip() {
        for name in ActivationFunction.allNames {
            let act = ActivationFunction(name: name)
            XCTAssertNotNil(act, name)
            XCTAssertEqual(act?.name, name == "swish" ? "silu" : name)
        }
        XCTAssertEqual(ActivationFunction(name: "leaky_relu"), .leakyRelu(alpha: 0.2))
        XCTAssertEqual(ActivationFunction(name: "elu"), .elu(alpha: 1))
        XCTAssertEqual(ActivationFunction(name: "gelu"), .gelu(approximate: false))
    }

    func testUnknownNamesAreNil() {
        XCTAssertNil(ActivationFunction(name: "Relu"))
        XCTAssertNil(ActivationFunction(name: "leakyRelu"))
        XCTAssertEqual(ActivationFunction(name: "None"), .linear)
        XCTAssertEqual(ActivationFunction(name: "none"), .linear)
    }

    func testTheCatalogueNamesEachFunctionOnceWithKerasDefaults() {
        let names = ActivationFunction.all.map(\.name)
        XCTAssertEqual(Set(names).count, names.count)
        for f in ActivationFunction.all {
            XCTAssertEqual(ActivationFunction(name: f.name), f, "the catalogue holds \(f) with Keras's defaults")
            XCTAssertEqual(f.description, f.name)
            XCTAssertFalse(f.summary.isEmpty)
        }
    }

    func testSoftmaxIsTheOneFunctionThatIsNotElementwise() throws {
        XCTAssertEqual(ActivationFunction.all.filter { $0.elementwise == nil }, [.softmax])
        let x = try Tensor(shape: [2, 3], values: [1, 2, 3, -1, 0, 5])
        let y = try ActivationFunction.softmax.apply(x)
        XCTAssertEqual(y.scalars, try x.softmax(axis: -1).scalars)
        XCTAssertEqual(y.scalars[0] + y.scalars[1] + y.scalars[2], 1, accuracy: 1e-6)
        XCTAssertThrowsError(try ActivationFunction.softmax.backward(input: x, gradient: x))
        XCTAssertThrowsError(try ActivationFunction.softmax.apply(Tensor(scalar: 1)))
    }

    func testDescriptionShowsNonDefaultParameters() {
        XCTAssertEqual(ActivationFunction.leakyRelu(alpha: 0.2).description, "leaky_relu")
        XCTAssertEqual(ActivationFunction.leakyRelu(alpha: 0.3).description, "leaky_relu(alpha: 0.3)")
        XCTAssertEqual(ActivationFunction.gelu(approximate: true).description, "gelu(approximate: true)")
        XCTAssertEqual(ActivationFunction.elu(alpha: 2).description, "elu(alpha: 2.0)")
    }

    func testApplyInPlaceMatchesApply() throws {
        var gen = RandomGenerator(seed: 23)
        let x = try Tensor.normal([3, 5], std: 3, using: &gen)
        for act in everyActivation {
            var buffer = x
            buffer.withUnsafeMutableBufferPointer { act.applyInPlace($0.baseAddress!, count: $0.count) } // invariant: 15 elements, non-nil
            XCTAssertEqual(buffer.scalars, try act.apply(x).scalars, "\(act)")
        }
    }

    func testBackwardInPlaceMatchesBackward() throws {
        var gen = RandomGenerator(seed: 24)
        let x = try Tensor.normal([4, 3], std: 3, using: &gen)
        let g = try Tensor.normal([4, 3], using: &gen)
        let act = ActivationFunction.elu(alpha: 1)
        let y = try act.apply(x)
        var buffer = g
        try y.withUnsafeBufferPointer { yp in
            try buffer.withUnsafeMutableBufferPointer { gp in
                try act.backwardInPlace(output: yp.baseAddress!, gradient: gp.baseAddress!, count: gp.count) // invariant: 12 elements
            }
        }
        XCTAssertEqual(buffer.scalars, try act.backward(output: y, gradient: g).scalars)
        XCTAssertThrowsError(try buffer.withUnsafeMutableBufferPointer { gp in
            try ActivationFunction.silu.backwardInPlace(output: gp.baseAddress!, gradient: gp.baseAddress!, count: gp.count) // invariant: 12 elements
        })
    }

    func testVariableMethodsMatchTensorKernels() throws {
        var gen = RandomGenerator(seed: 25)
        let x = try Tensor.normal([2, 3], using: &gen)
        let v = Variable(x)
        XCTAssertEqual(v.relu().value.scalars, x.relu().scalars)
        XCTAssertEqual(v.gelu(approximate: true).value.scalars, x.gelu(approximate: true).scalars)
        XCTAssertEqual(v.tanh().value.scalars, x.tanh().scalars)
        XCTAssertEqual(v.leakyRelu().value.scalars, x.leakyRelu(alpha: 0.2).scalars)
    }

    func testLinearAddsNothingToTheTape() {
        let v = Variable(Tensor(scalar: 2), requiresGrad: true)
        XCTAssertTrue(v.linear() === v)
        XCTAssertTrue(try ActivationFunction.linear.apply(v) === v)
    }

    func testReluKeepsNaN() throws {
        XCTAssertTrue(try values([.nan]).relu().scalars[0].isNaN)
        XCTAssertTrue(try values([.nan]).relu6().scalars[0].isNaN)
    }

    func testLargeLoopsSplitAcrossCoresSmallOnesDoNot() {
        // parallelFor uses min(cores, count / grain) chunks: two or more means both cores work.
        XCTAssertGreaterThanOrEqual(1_000_000 / ActivationFunction.relu.grain, 2)
        XCTAssertLessThan(1_000 / ActivationFunction.relu.grain, 2)
        XCTAssertGreaterThanOrEqual(100_000 / ActivationFunction.gelu(approximate: false).grain, 2)
        XCTAssertLessThan(1_000 / ActivationFunction.gelu(approximate: false).grain, 2)
    }

    func testLargeReluMatchesSerialReference() throws {
        // Big enough for parallelFor to split: every chunk boundary must be covered once.
        let n = 300_001
        let x = try Tensor(shape: [n], values: (0..<n).map { Float($0 % 7) - 3 })
        let y = x.relu().scalars
        XCTAssertEqual(y, x.scalars.map { Swift.max($0, 0) })
    }
}
