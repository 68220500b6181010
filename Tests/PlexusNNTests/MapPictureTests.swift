import PlexusTensor
import PlexusNN
import XCTest
@testable import PlexusNN

final class MapPictureTests: XCTestCase {
    func testPanelsSideBySideOnTheRampScaledEachToItsOwnRange() throws {
        let a = try PicturePanel(title: "a", sample: Tensor(shape: [2, 3, 1], values: [0, 1, 2, 3, 4, 9]))
        let b = try PicturePanel(title: "map", sample: Tensor(shape: [1, 2], values: [5, 7]))
        XCTAssertEqual(terminalPicture([a, b]), """
        a    map
         .:   @
        -=@

        """)
        XCTAssertEqual(a.peak.row, 1)
        XCTAssertEqual(a.peak.column, 2)
    }

    func testAConstantPanelIsDarkAndAVectorIsOneRow() throws {
        let flat = try PicturePanel(title: "f", sample: Tensor(shape: [3], values: [2, 2, 2]))
        XCTAssertEqual(flat.rows, 1)
        XCTAssertEqual(terminalPicture([flat]), "f\n\n")
    }

    func testAPanelOfSeveralChannelsShowsTheFirstAndSaysSo() throws {
        let p = try PicturePanel(title: "rgb", sample: Tensor(shape: [1, 2, 2], values: [0, 9, 1, 9]))
        XCTAssertEqual(p.values, [0, 1])
        XCTAssertEqual(p.title, "rgb (channel 1 of 2)")
    }

    func testARankFourSampleIsRefusedNamingItsShape() throws {
        XCTAssertThrowsError(try PicturePanel(title: "k", sample: Tensor.zeros([2, 2, 1, 1]))) { error in
            XCTAssertTrue("\(error)".contains("(2, 2, 1, 1)"), "\(error)")
        }
    }

    func testSVGHasASquarePerValueTitlesAndTheMarkedPeak() throws {
        let p = try PicturePanel(title: "<map>", sample: Tensor(shape: [2, 2], values: [0, 1, 0.5, 0.25]))
        let svg = svgPicture([p], markPeaks: [0])
        XCTAssertTrue(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        XCTAssertEqual(svg.components(separatedBy: "fill=\"rgb(").count - 1, 4)
        XCTAssertTrue(svg.contains("fill=\"rgb(255,255,255)\""))   // the peak, brightest
        XCTAssertTrue(svg.contains("&lt;map&gt;"))
        XCTAssertTrue(svg.contains("stroke=\"red\""))
        XCTAssertTrue(svg.hasSuffix("</svg>\n"))
    }
}
