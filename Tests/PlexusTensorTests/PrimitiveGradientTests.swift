import XCTest
@testable import PlexusTensor

/// Distinct values on a grid of step 0.1, offset by 0.03 (then scaled and shifted) and shuffled: no two within the
/// finite-difference step of each other or of a kink (0, a threshold of 0.25, 1.5, 6), so max,
/// abs, relu and pooling are differentiable at every point checked.
private func distinct(_ shape: [Int], seed: UInt64, scale: Float = 1, shift: Float = 0) throws -> Tensor {
    let n = shape.reduce(1, *)
    var values = (0..<n).map { Float($0 - n / 2) * 0.1 + 0.03 }
    var gen = RandomGenerator(seed: seed)
    for i in stride(from: n - 1, to: 0, by: -1) {
        let j = Int(try Tensor.uniform([1], low: 0, high: Float(i + 1), using: &gen).scalars[0]) % (i + 1)
        values.swapAt(i, j)
    }
    return try Tensor(shape: shape, values: values.map { $0 * scale + shift })
}

/// Uniform values in `[low, high)`: for inputs that must stay positive or inside (0, 1).
private func within(_ shape: [Int], _ low: Float, _ high: Float, seed: UInt64) throws -> Tensor {
    var gen = RandomGenerator(seed: seed)
    return try Tensor.uniform(shape, low: low, high: high, using: &gen)
}

/// The gradient table's check: every primitive against central finite differences (`gradcheck`,
/// a random projection of the output summed in Double). The switch over `Primitive` has no
/// default, so a primitive added to the list does not compile until it has its check here.
final class PrimitiveGradientTests: XCTestCase {
    /// The checks of one primitive (an activation has one per function).
    private func checks(_ p: Primitive) throws -> [GradcheckResult] {
        let a = try distinct([2, 3, 4], seed: 1), b = try distinct([3, 4], seed: 2)
        let positive = try within([2, 3, 4], 0.5, 2, seed: 3)
        switch p {
        case .add: return [try gradcheck([a, b]) { v in try v[0] + v[1] }]
        case .subtract: return [try gradcheck([a, b]) { v in try v[0] - v[1] }]
        case .multiply: return [try gradcheck([a, b]) { v in try v[0] * v[1] }]
        case .divide: return [try gradcheck([a, try within([3, 4], 0.5, 2, seed: 4)]) { v in try v[0] / v[1] }]
        case .negate: return [try gradcheck([a]) { v in -v[0] }]
        case .addScalar: return [try gradcheck([a]) { v in v[0] + 1.5 }]
        case .multiplyScalar: return [try gradcheck([a]) { v in v[0] * -2.5 }]
        case .broadcast: return [try gradcheck([b]) { v in try v[0].broadcast(to: [2, 3, 4]) }]
        case .exp: return [try gradcheck([a]) { v in exp(v[0]) }]
        case .log: return [try gradcheck([positive]) { v in log(v[0]) }]
        case .sqrt: return [try gradcheck([positive]) { v in sqrt(v[0]) }]
        case .abs: return [try gradcheck([a]) { v in abs(v[0]) }]
        case .square: return [try gradcheck([a]) { v in square(v[0]) }]
        case .powScalar: return [try gradcheck([positive]) { v in pow(v[0], 2.5) }]
        case .pow: return [try gradcheck([positive, try within([3, 4], -1, 2, seed: 5)]) { v in try pow(v[0], v[1]) }]
        case .maximum: return [try gradcheck([a, try distinct([2, 3, 4], seed: 6, shift: 0.05)]) { v in try maximum(v[0], v[1]) }]
        case .minimum: return [try gradcheck([a, try distinct([2, 3, 4], seed: 6, shift: 0.05)]) { v in try minimum(v[0], v[1]) }]
        case .clamp: return [try gradcheck([a]) { v in try clamp(v[0], min: -0.45, max: 0.55) }]
        case .activation:
            let x = try distinct([4, 6], seed: 7, scale: 0.5)
            return try ActivationFunction.all.compactMap(\.elementwise).map { f in try gradcheck([x]) { v in try f.apply(v[0]) } }
                + [try gradcheck([x]) { v in v[0].gelu(approximate: true) }, try gradcheck([x]) { v in v[0].leakyRelu(alpha: 0.3) }]
        case .generalRelu:
            return [try gradcheck([try distinct([4, 6], seed: 8)]) { v in v[0].relu(maxValue: 1.5, negativeSlope: 0.3, threshold: 0.25) }]
        case .softmax: return [try gradcheck([a]) { v in try v[0].softmax(axis: 1) }]
        case .logSoftmax: return [try gradcheck([a]) { v in try v[0].logSoftmax(axis: -1) }]
        case .gemm:
            let m = try distinct([3, 4], seed: 9), n = try distinct([5, 4], seed: 10)
            return [try gradcheck([m, n]) { v in try matmul(v[0], v[1], transposeB: true) },
                    try gradcheck([a, try distinct([4, 2], seed: 11)]) { v in try matmul(v[0], v[1]) }]
        case .conv2d:
            let x = try distinct([2, 5, 6, 4], seed: 12, scale: 0.2), k = try distinct([3, 2, 2, 4], seed: 13, scale: 0.2)
            return [try gradcheck([x, k]) { v in try conv2d(v[0], v[1], strides: (2, 1), padding: .same, dilation: (1, 2), groups: 2) }]
        case .conv2dTranspose:
            let x = try distinct([2, 3, 3, 2], seed: 14, scale: 0.2), k = try distinct([3, 3, 4, 2], seed: 15, scale: 0.2)
            return [try gradcheck([x, k]) { v in try conv2dTranspose(v[0], v[1], strides: (2, 2), padding: .same) }]
        case .conv2dPerSample:
            let x = try distinct([2, 5, 5, 2], seed: 16, scale: 0.2), k = try distinct([2, 3, 3, 2, 3], seed: 17, scale: 0.2)
            return [try gradcheck([x, k]) { v in try conv2dPerSample(v[0], v[1], strides: (1, 2), padding: .same) }]
        case .fusedAffine:
            let x = try distinct([3, 4], seed: 18, scale: 0.3), w = try distinct([4, 5], seed: 19, scale: 0.3)
            let bias = try distinct([5], seed: 20)
            return [try gradcheck([x, w, bias]) { v in try fusedDense(v[0], kernel: v[1], bias: v[2], activation: .sigmoid) },
                    try gradcheck([x, w, bias]) { v in try fusedDense(v[0], kernel: v[1], bias: v[2], activation: .gelu(approximate: false)) }]
        case .addActivated:
            let c = try distinct([2, 3, 4], seed: 22, shift: 0.01)
            return [try gradcheck([a, c]) { v in try addActivated(v[0], v[1], activation: .relu) },
                    try gradcheck([a, c]) { v in try addActivated(v[0], v[1], activation: .tanh) }]
        case .reshape: return [try gradcheck([a]) { v in try v[0].reshape([4, -1]) }]
        case .permute: return [try gradcheck([a]) { v in try v[0].permute([2, 0, 1]) }]
        case .slice: return [try gradcheck([a]) { v in try v[0].slice(starts: [1, 0, 1], sizes: [1, 2, 3]) }]
        case .pad: return [try gradcheck([b]) { v in try v[0].pad([(1, 0), (2, 1)], value: 0.5) }]
        case .concat: return [try gradcheck([a, try distinct([2, 1, 4], seed: 21)]) { v in try concat(v, axis: 1) }]
        case .sum: return [try gradcheck([a]) { v in v[0].sum() }]
        case .mean: return [try gradcheck([a]) { v in v[0].mean() }]
        case .sumAxes: return [try gradcheck([a]) { v in try v[0].sum(axes: [0, 2], keepDims: true) }]
        case .meanAxes: return [try gradcheck([a]) { v in try v[0].mean(axes: [1]) }]
        case .max: return [try gradcheck([a]) { v in try v[0].max(axes: [1]) }]
        case .maxPool2d:
            return [try gradcheck([try distinct([2, 5, 5, 2], seed: 22)]) { v in try maxPool2d(v[0], poolSize: (2, 2), strides: (2, 1), padding: .same) }]
        case .avgPool2d:
            return [try gradcheck([try distinct([2, 5, 5, 2], seed: 23)]) { v in try avgPool2d(v[0], poolSize: (3, 2), padding: .same) }]
        case .globalAvgPool2d: return [try gradcheck([try distinct([2, 3, 3, 2], seed: 24)]) { v in try globalAvgPool2d(v[0]) }]
        case .globalMaxPool2d: return [try gradcheck([try distinct([2, 3, 3, 2], seed: 25)]) { v in try globalMaxPool2d(v[0], keepDims: true) }]
        case .batchNorm:
            let x = try distinct([4, 2, 2, 3], seed: 26), gamma = try within([3], 0.5, 1.5, seed: 27), beta = try distinct([3], seed: 28)
            return [try gradcheck([x, gamma, beta], eps: 1e-3) { v in
                var mean = try Tensor.zeros([3]), variance = try Tensor.ones([3])
                return try batchNorm(v[0], gamma: v[1], beta: v[2], runningMean: &mean, runningVar: &variance, training: true)
            }]
        case .layerNorm:
            let x = try distinct([3, 5], seed: 29), gamma = try within([5], 0.5, 1.5, seed: 30), beta = try distinct([5], seed: 31)
            return [try gradcheck([x, gamma, beta], eps: 1e-3) { v in try layerNorm(v[0], gamma: v[1], beta: v[2]) }]
        case .upsampling2d: return [try gradcheck([try distinct([2, 2, 3, 2], seed: 32)]) { v in try upsampling2d(v[0], size: (2, 3)) }]
        case .zeroPadding2d:
            return [try gradcheck([try distinct([2, 2, 3, 2], seed: 33)]) { v in try zeroPadding2d(v[0], padding: (1, 0, 2, 1)) }]
        case .cropping2d:
            return [try gradcheck([try distinct([2, 4, 5, 2], seed: 34)]) { v in try cropping2d(v[0], cropping: (1, 0, 2, 1)) }]
        case .dropout:
            return [try gradcheck([a]) { v in
                var gen = RandomGenerator(seed: 35)
                return try dropout(v[0], rate: 0.4, training: true, generator: &gen)
            }]
        case .meanSquaredError: return [try gradcheck([a]) { v in try mseLoss(v[0], positive) }]
        case .meanAbsoluteError: return [try gradcheck([a]) { v in try maeLoss(v[0], try distinct([2, 3, 4], seed: 36, shift: 0.05)) }]
        case .binaryCrossentropy:
            let target = try within([2, 3, 4], 0, 1, seed: 37)
            return [try gradcheck([try within([2, 3, 4], 0.1, 0.9, seed: 38)], eps: 1e-3) { v in try binaryCrossentropy(v[0], target) },
                    try gradcheck([a]) { v in try binaryCrossentropy(v[0], target, fromLogits: true) }]
        case .crossentropy:
            let logits = try distinct([4, 3], seed: 39)
            let oneHot = try Tensor(shape: [4, 3], values: [0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 1, 0])
            let probabilities = try within([4, 3], 0.2, 0.8, seed: 40)
            return [try gradcheck([logits]) { v in try categoricalCrossentropy(v[0], oneHot, fromLogits: true) },
                    try gradcheck([logits]) { v in try sparseCategoricalCrossentropy(v[0], labels: try Tensor(shape: [4], values: [1, 0, 2, 1]), fromLogits: true) },
                    try gradcheck([probabilities], eps: 1e-3) { v in try categoricalCrossentropy(v[0], oneHot) }]
        case .contrastive:
            let distance = try Tensor(shape: [6], values: [0.2, 0.5, 0.7, 1.3, 1.8, 0.4])
            let label = try Tensor(shape: [6], values: [1, 0, 1, 0, 1, 0])
            return [try gradcheck([distance]) { v in try contrastiveLoss(v[0], label, margin: 1) }]
        }
    }

    func testEveryPrimitiveMatchesFiniteDifferences() throws {
        for p in Primitive.allCases {
            let results = try checks(p)
            XCTAssertFalse(results.isEmpty, "\(p)")
            for r in results { XCTAssertTrue(r.passed, "\(p): \(r)") }
        }
    }

    func testEachCheckRecordsItsPrimitiveOnTheTape() throws {
        // The check of `add` must go through the primitive `add`, not a composition that bypasses it.
        let x = Variable(try distinct([2, 2], seed: 41), requiresGrad: true)
        XCTAssertEqual(try (x + x).op, .add)
        XCTAssertEqual(try matmul(x, x).op, .gemm)
        XCTAssertEqual(try fusedDense(x, kernel: x, bias: nil, activation: .relu).op, .fusedAffine)
        XCTAssertEqual(try ActivationFunction.tanh.apply(x).op, .activation)
        XCTAssertEqual(try categoricalCrossentropy(x, try Tensor(shape: [2, 2], values: [1, 0, 0, 1]), fromLogits: true).op, .crossentropy)
        XCTAssertNil(x.op, "a leaf")
        XCTAssertNil(withoutGradients { exp(x) }.op, "nothing is recorded without gradients")
    }
}
