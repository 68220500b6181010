import PlexusTensor
import PlexusNN
import XCTest
@testable import PlexusNN

final class TemplateMatchingTests: XCTestCase {
    /// The one position of a 1 in sample `s` of a (n, size, size, 1) map, as (row, column).
    private func peak(_ map: Tensor, _ s: Int) -> (Int, Int)? {
        let size = map.shape[1]
        let values = Array(map.scalars[(s * size * size)..<((s + 1) * size * size)])
        let ones = values.indices.filter { values[$0] == 1 }
        guard ones.count == 1, values.filter({ $0 != 0 }).count == 1 else { return nil }
        return (ones[0] / size, ones[0] % size)
    }

    func testShapesAndOneMarkedCentrePerSample() throws {
        var gen = RandomGenerator(seed: 1)
        let data = try templateMatching(n: 6, size: 12, templateSize: 4, using: &gen)
        XCTAssertEqual(data.inputNames, ["image", "template"])
        XCTAssertEqual(data.inputs[0].shape, [6, 12, 12, 1])
        XCTAssertEqual(data.inputs[1].shape, [6, 4, 4, 1])
        XCTAssertEqual(data.target.shape, [6, 12, 12, 1])
        for s in 0..<6 { XCTAssertNotNil(peak(data.target, s), "sample \(s)") }
    }

    func testTheTemplateSitsInTheImageWhereTheMapPoints() throws {
        var gen = RandomGenerator(seed: 2)
        let t = 4, size = 10
        let data = try templateMatching(n: 5, size: size, templateSize: t, using: &gen)
        let image = data.inputs[0], template = data.inputs[1]
        for s in 0..<5 {
            let (row, column) = try XCTUnwrap(peak(data.target, s))
            // The centre of an even template is the upper left of its four central pixels.
            let top = row - (t - 1) / 2, left = column - (t - 1) / 2
            for r in 0..<t {
                for c in 0..<t { XCTAssertEqual(image[s, top + r, left + c, 0], template[s, r, c, 0], "sample \(s)") }
            }
        }
    }

    func testTemplatesDifferPerSampleUnlessFixed() throws {
        var gen = RandomGenerator(seed: 3)
        let random = try templateMatching(n: 2, size: 8, templateSize: 3, using: &gen)
        XCTAssertNotEqual(Array(random.inputs[1].scalars[0..<9]), Array(random.inputs[1].scalars[9..<18]))
        let fixed = try templateMatching(n: 3, size: 8, templateSize: 3, fixedTemplate: true, using: &gen)
        XCTAssertEqual(Array(fixed.inputs[1].scalars[0..<9]), Array(fixed.inputs[1].scalars[18..<27]))
    }

    func testTheSameSeedGivesTheSameData() throws {
        var g1 = RandomGenerator(seed: 4), g2 = RandomGenerator(seed: 4)
        let a = try templateMatching(n: 3, size: 8, templateSize: 3, using: &g1)
        let b = try templateMatching(n: 3, size: 8, templateSize: 3, using: &g2)
        XCTAssertEqual(a.inputs[0].scalars, b.inputs[0].scalars)
        XCTAssertEqual(a.target.scalars, b.target.scalars)
    }

    func testATemplateLargerThanTheImageIsAnError() throws {
        var gen = RandomGenerator(seed: 5)
        XCTAssertThrowsError(try templateMatching(n: 1, size: 4, templateSize: 5, using: &gen)) { error in
            XCTAssertTrue("\(error)".contains("between 1 and the image size 4"), "\(error)")
        }
    }

    func testZeroMeanShiftsEveryValueByOneHalfAndKeepsThePlacement() throws {
        var g1 = RandomGenerator(seed: 6), g2 = RandomGenerator(seed: 6)
        let plain = try templateMatching(n: 4, size: 10, templateSize: 3, using: &g1)
        let centred = try templateMatching(n: 4, size: 10, templateSize: 3, zeroMean: true, using: &g2)
        for k in 0..<2 {
            XCTAssertEqual(centred.inputs[k].scalars, plain.inputs[k].scalars.map { $0 - 0.5 })
        }
        XCTAssertEqual(centred.target.scalars, plain.target.scalars)
        XCTAssertTrue(centred.inputs[0].scalars.allSatisfy { $0 >= -0.5 && $0 < 0.5 })
    }
}
