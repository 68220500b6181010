import PlexusTensor
import PlexusNN
import XCTest
@testable import PlexusNN

final class DatasetTests: XCTestCase {
    /// Ten samples: input `x` (10, 2) with rows [10i, 10i + 1], target i.
    private func tenSamples() throws -> Dataset {
        let x = try Tensor(shape: [10, 2], values: (0..<10).flatMap { [Float($0 * 10), Float($0 * 10 + 1)] })
        return try Dataset(x, target: try Tensor.arange(10))
    }

    func testDifferentSampleCountsAreRejectedNamingEveryShape() throws {
        let x = try Tensor.zeros([4, 3]), y = try Tensor.zeros([5])
        XCTAssertThrowsError(try Dataset(x, target: y)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("x (4, 3)") && text.contains("target (5,)"), text)
        }
    }

    func testRepeatedInputNamesAreRejected() throws {
        let x = try Tensor.zeros([2, 1])
        XCTAssertThrowsError(try Dataset(inputs: [("a", x), ("a", x)], target: try Tensor.zeros([2])))
    }

    func testDescriptionShowsPerSampleShapes() throws {
        let data = try Dataset(inputs: [("image", try Tensor.zeros([3, 4, 4, 1])), ("template", try Tensor.zeros([3, 2, 2, 1]))],
                               target: try Tensor.zeros([3]))
        XCTAssertEqual("\(data)", "Dataset(3 samples: image (4, 4, 1), template (2, 2, 1) -> target ())")
    }

    func testSplitKeepsOrderAndRoundsTheTrainingPartDown() throws {
        let (train, test) = try tenSamples().split(0.75)
        XCTAssertEqual(train.count, 7)
        XCTAssertEqual(test.count, 3)
        XCTAssertEqual(train.target.scalars, [0, 1, 2, 3, 4, 5, 6])
        XCTAssertEqual(test.target.scalars, [7, 8, 9])
        XCTAssertEqual(test.inputs[0].scalars, [70, 71, 80, 81, 90, 91])
    }

    func testSplitCountsAreNotFooledByFloatingPoint() throws {
        // 0.29 * 100 is 28.999999999999996 in Double.
        let data = try Dataset(try Tensor.zeros([100, 1]), target: try Tensor.arange(100))
        XCTAssertEqual(try data.split(0.29).train.count, 29)
    }

    func testSplitFractionOutsideZeroToOneThrows() throws {
        let data = try tenSamples()
        XCTAssertThrowsError(try data.split(1.5))
        XCTAssertThrowsError(try data.split(-0.1))
        XCTAssertThrowsError(try data.split(.nan))
    }

    func testSeededSplitIsRepeatableAndPartitionsTheSamples() throws {
        let data = try tenSamples()
        var g1 = RandomGenerator(seed: 3), g2 = RandomGenerator(seed: 3)
        let a = try data.split(0.6, using: &g1), b = try data.split(0.6, using: &g2)
        XCTAssertEqual(a.train.target.scalars, b.train.target.scalars)
        XCTAssertEqual((a.train.target.scalars + a.test.target.scalars).sorted(), (0..<10).map(Float.init))
        XCTAssertNotEqual(a.train.target.scalars, [0, 1, 2, 3, 4, 5], "a seeded split should shuffle")
    }

    func testShuffleKeepsInputsAlignedWithTargets() throws {
        var gen = RandomGenerator(seed: 7)
        let shuffled = try tenSamples().shuffled(using: &gen)
        let t = shuffled.target.scalars, x = shuffled.inputs[0].scalars
        XCTAssertNotEqual(t, (0..<10).map(Float.init))
        XCTAssertEqual(t.sorted(), (0..<10).map(Float.init))
        for i in 0..<10 { XCTAssertEqual(x[2 * i], t[i] * 10); XCTAssertEqual(x[2 * i + 1], t[i] * 10 + 1) }
    }

    func testBatchesCoverEverySampleInOrderWithASmallerLastBatch() throws {
        let batches = try tenSamples().batches(size: 4)
        XCTAssertEqual(batches.count, 3)
        let all = Array(batches)
        XCTAssertEqual(all.map(\.count), [4, 4, 2])
        XCTAssertEqual(all[0].inputs[0].shape, [4, 2])
        XCTAssertEqual(all[0].target.scalars, [0, 1, 2, 3])  // kept batches keep their values
        XCTAssertEqual(all[1].target.scalars, [4, 5, 6, 7])
        XCTAssertEqual(all[2].inputs[0].scalars, [80, 81, 90, 91])
    }

    func testShuffledBatchesVisitEverySampleOnceWithTheirInputs() throws {
        var gen = RandomGenerator(seed: 11)
        var seen: [Float] = []
        for batch in try tenSamples().batches(size: 3, shuffle: true, using: &gen) {
            let t = batch.target.scalars, x = batch.inputs[0].scalars
            for i in t.indices { XCTAssertEqual(x[2 * i], t[i] * 10) }
            seen += t
        }
        XCTAssertNotEqual(seen, (0..<10).map(Float.init))
        XCTAssertEqual(seen.sorted(), (0..<10).map(Float.init))
    }

    func testUnshuffledBatchesLeaveTheGeneratorUntouched() throws {
        var gen = RandomGenerator(seed: 5), reference = RandomGenerator(seed: 5)
        _ = try tenSamples().batches(size: 3, shuffle: false, using: &gen)
        XCTAssertEqual(gen.next(), reference.next())
    }

    func testBatchesGatherIntoOneReusedBuffer() throws {
        var iterator = try tenSamples().batches(size: 3).makeIterator()
        func address(_ batch: DatasetBatch?) -> UnsafePointer<Float>? {
            batch?.inputs[0].withUnsafeBufferPointer { $0.baseAddress }
        }
        let first = address(iterator.next())
        let second = address(iterator.next())
        XCTAssertNotNil(first)
        XCTAssertEqual(first, second, "a batch dropped before the next one should leave its buffer for reuse")
    }

    func testBatchSizeMustBePositive() throws {
        XCTAssertThrowsError(try tenSamples().batches(size: 0))
    }

    func testSubsetRejectsAnOutOfRangeIndex() throws {
        XCTAssertThrowsError(try tenSamples().subset([0, 10])) { error in
            XCTAssertTrue("\(error)".contains("10"), "\(error)")
        }
    }
}
