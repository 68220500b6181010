import PlexusTensor
import PlexusNN
import XCTest
@testable import PlexusNN

/// `toFullyConv` judged by running both models: the converted network must compute what the
/// original did, and accept larger images.
final class FullyConvEquivalenceTests: XCTestCase {
    /// conv, flatten, dense, dense on 10x10x2, as issue 3 asks ("conv, flatten, dense, dense").
    func smallCNN() throws -> Model {
        let x = try Input(shape: [10, 10, 2])
        var h = try Conv2D(filters: 4, kernelSize: 3, activation: .relu)(x)
        h = try MaxPooling2D(poolSize: 2)(h)
        h = try Flatten()(h)
        h = try Dense(units: 8, activation: .relu)(h)
        h = try Dense(units: 3, activation: .softmax)(h)
        return try Model(inputs: x, outputs: h, name: "small_cnn")
    }

    func testConvertedModelComputesTheSameOutputsWithin1e5() throws {
        let original = try smallCNN()
        let (converted, _) = try toFullyConv(original)
        var gen = RandomGenerator(seed: 11)
        let batch = try Tensor.normal([3, 10, 10, 2], using: &gen)
        let expected = try predict(original, inputs: [batch], context: ForwardContext(seed: 1))[0]
        let actual = try predict(converted, inputs: [batch], context: ForwardContext(seed: 1))[0]
        XCTAssertEqual(expected.shape, [3, 3])
        XCTAssertEqual(actual.count, expected.count, "converted output \(actual.shape) vs \(expected.shape)")
        let difference = zip(expected.scalars, actual.scalars).map { abs($0 - $1) }.max() ?? .infinity
        XCTAssertLessThan(difference, 1e-5)
    }

    func testConvertedModelTurnsALargerImageIntoASpatialMap() throws {
        let (converted, _) = try toFullyConv(try smallCNN())
        var gen = RandomGenerator(seed: 12)
        let large = try Tensor.normal([1, 18, 14, 2], using: &gen)
        let map = try predict(converted, inputs: [large], context: ForwardContext(seed: 1))[0]
        // 18x14 -> conv 3 valid 16x12 -> pool 2 8x6 -> the 4x4 "dense" window slides to 5x3.
        XCTAssertEqual(map.shape, [1, 5, 3, 3])
        // Each position is a softmax over the 3 classes.
        for p in 0..<15 {
            let s = (0..<3).map { map.scalars[p * 3 + $0] }.reduce(0, +)
            XCTAssertEqual(s, 1, accuracy: 1e-5)
        }
    }

    func testTheMapAtTheOriginalSizeIsTheOriginalPrediction() throws {
        let original = try smallCNN()
        let (converted, _) = try toFullyConv(original)
        var gen = RandomGenerator(seed: 13)
        let large = try Tensor.normal([1, 12, 12, 2], using: &gen)
        // The top-left 10x10 window of a 12x12 image is what the original model sees in a crop.
        let crop = try large.sliced(starts: [0, 0, 0, 0], sizes: [1, 10, 10, 2])
        let expected = try predict(original, inputs: [crop], context: ForwardContext(seed: 1))[0]
        let map = try predict(converted, inputs: [large], context: ForwardContext(seed: 1))[0]
        XCTAssertEqual(map.shape, [1, 2, 2, 3])
        for c in 0..<3 { XCTAssertEqual(map[0, 0, 0, c], expected[0, c], accuracy: 1e-5) }
    }
}
