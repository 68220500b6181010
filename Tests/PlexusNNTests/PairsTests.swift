import PlexusTensor
import PlexusNN
import XCTest
@testable import PlexusNN

final class PairsTests: XCTestCase {
    /// Twelve 1x2 "images" whose first pixel is the sample's label and second its index, in
    /// classes 0, 1, 2 of four samples each.
    private func labelled() throws -> Dataset {
        let labels: [Float] = (0..<12).map { Float($0 % 3) }
        let images = try Tensor(shape: [12, 1, 2, 1], values: (0..<12).flatMap { [labels[$0], Float($0)] })
        return try Dataset(images, name: "images", target: try Tensor(shape: [12], values: labels))
    }

    func testPairsAlternateSameAndDifferentAndTheTargetSaysWhich() throws {
        var gen = RandomGenerator(seed: 1)
        let p = try pairs(labelled(), n: 40, using: &gen)
        XCTAssertEqual(p.inputNames, ["left", "right"])
        XCTAssertEqual(p.inputs[0].shape, [40, 1, 2, 1])
        XCTAssertEqual(p.target.scalars, (0..<40).map { $0 % 2 == 0 ? 1 : 0 })
        let left = p.inputs[0].scalars, right = p.inputs[1].scalars
        for k in 0..<40 {
            let sameLabel = left[2 * k] == right[2 * k]
            XCTAssertEqual(sameLabel, p.target[k] == 1, "pair \(k)")
            XCTAssertNotEqual(left[2 * k + 1], right[2 * k + 1], "pair \(k) pairs a sample with itself")
        }
    }

    func testTheSameSeedGivesTheSamePairs() throws {
        var g1 = RandomGenerator(seed: 9), g2 = RandomGenerator(seed: 9), g3 = RandomGenerator(seed: 10)
        let a = try pairs(labelled(), n: 10, using: &g1)
        let b = try pairs(labelled(), n: 10, using: &g2)
        let c = try pairs(labelled(), n: 10, using: &g3)
        XCTAssertEqual(a.inputs[0].scalars, b.inputs[0].scalars)
        XCTAssertEqual(a.inputs[1].scalars, b.inputs[1].scalars)
        XCTAssertNotEqual(a.inputs[0].scalars, c.inputs[0].scalars)
    }

    func testEveryClassAppearsInSamePairs() throws {
        var gen = RandomGenerator(seed: 2)
        let p = try pairs(labelled(), n: 60, using: &gen)
        let left = p.inputs[0].scalars
        let sameLabels = Set((0..<60).filter { $0 % 2 == 0 }.map { left[2 * $0] })
        XCTAssertEqual(sameLabels, [0, 1, 2])
    }

    func testTheDefaultCountIsOnePairPerSample() throws {
        var gen = RandomGenerator(seed: 3)
        XCTAssertEqual(try pairs(labelled(), using: &gen).count, 12)
    }

    func testASingleClassOrFractionalLabelsAreErrors() throws {
        var gen = RandomGenerator(seed: 4)
        let one = try Dataset(try Tensor.zeros([3, 2]), target: try Tensor.zeros([3]))
        XCTAssertThrowsError(try pairs(one, n: 4, using: &gen)) { XCTAssertTrue("\($0)".contains("two classes"), "\($0)") }
        let fractional = try Dataset(try Tensor.zeros([2, 2]), target: try Tensor(shape: [2], values: [0, 0.5]))
        XCTAssertThrowsError(try pairs(fractional, n: 4, using: &gen)) { XCTAssertTrue("\($0)".contains("0.5"), "\($0)") }
    }
}
