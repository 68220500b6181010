import Foundation
import XCTest
@testable import PlexusLang

/// `picture`, `location_accuracy` in `compile`, `template_matching(zero_mean:)` and the clip
/// warning, at the prompt.
final class MapBuiltinsTests: XCTestCase {
    /// A small template matcher (untrained) on 8x8 maps.
    private func session() -> Transcript {
        let t = Transcript()
        t.run("""
        :seed 3
        data = template_matching(4, size: 8, template: 3, zero_mean: true)
        image = input(8, 8, 1, name: "image"); template = input(3, 3, 1, name: "template")
        k = template |> flatten() |> dense(9) |> reshape(3, 3, 1, 1)
        m = model([image, template], conv(image, k, padding: "same", activation: sigmoid), name: "m")
        """)
        return t
    }

    func testPictureDrawsEveryInputTheTargetAndThePredictionAndSaysWhereTheyPeak() {
        let out = session().run("picture(m, data, sample: 1)")
        let lines = out.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.first, "m on sample 1 of 4")
        XCTAssertEqual(lines.dropFirst().first, "image     template  target    prediction")
        XCTAssertEqual(lines.count, 1 + 1 + 8 + 1 + 1, out)   // header, titles, 8 rows, peaks, ""
        XCTAssertTrue(lines[lines.count - 2].hasPrefix("target peaks at row "), out)
        XCTAssertTrue(out.contains(": found") || out.contains(": missed"), out)
        // The target panel (columns 20..27) has exactly one bright pixel.
        let targetRows = lines[2..<10].map { row -> String in
            let chars = Array(row)
            return chars.count > 20 ? String(chars[20..<min(28, chars.count)]) : ""
        }
        XCTAssertEqual(targetRows.joined().filter { $0 == "@" }.count, 1, out)
    }

    func testPictureWritesAnSVGFileWhole() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("plexus-picture-\(UUID().uuidString).svg").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let out = session().run("picture(m, data, file: \"\(path)\")")
        XCTAssertTrue(out.hasPrefix("wrote \(path) (SVG, sample 0: image, template, target, prediction)"), out)
        let svg = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>\n"))
        XCTAssertEqual(svg.components(separatedBy: "stroke=\"red\"").count - 1, 2)   // both peaks marked
    }

    func testPictureOfASampleOutsideTheDataPointsAtTheArgument() {
        let out = session().run("picture(m, data, sample: 4)")
        XCTAssertTrue(out.contains("error: picture: sample 4 is not in the dataset's 0..<4"), out)
        XCTAssertTrue(out.contains("sample: 4"), out)
    }

    func testPictureIntoAMissingFolderIsAnError() {
        let out = session().run("picture(m, data, file: \"/nonexistent-dir/x.svg\")")
        XCTAssertTrue(out.contains("error: picture: cannot write /nonexistent-dir/x.svg"), out)
    }

    func testLocationAccuracyIsAMetricCompileTakesAndEvaluatePrints() {
        let t = session()
        XCTAssertEqual(t.run("compile(m, loss: \"binary_crossentropy\", optimizer: adam(0.01), metrics: [\"location_accuracy\"])"),
                       "m: loss binary_crossentropy, optimizer adam(learning_rate: 0.01), metrics location_accuracy\n")
        let out = t.run("evaluate(m, data)")
        XCTAssertTrue(out.hasPrefix("m on 4 samples: loss ") && out.contains(" - location_accuracy "), out)
    }

    func testTheClipWarningComesOnceAndPointsAtTheTrainingCall() {
        let t = Transcript()
        t.run("""
        :seed 1
        data = template_matching(8, size: 4, template: 1)
        x = input(4, 4, 1, name: "image"); tpl = input(1, 1, 1, name: "template")
        out = x |> conv2d(1, 1, activation: relu, kernel_initializer: "zeros", name: "maps")
        m = model([x, tpl], out, name: "m")
        compile(m, loss: "binary_crossentropy", optimizer: "sgd")
        """)
        // relu(0) = 0 for every pixel: each positive is below the clip, and a relu cannot fuse.
        let out = t.run("step(m, data, batch: 4, steps: 3)")
        XCTAssertEqual(out.components(separatedBy: "warning:").count - 1, 1, out)
        XCTAssertTrue(out.contains("<repl>:1:1: warning: 4 of 4 positive targets in a batch get a probability below 1e-7 from maps (Conv2D), the output of m"), out)
        XCTAssertTrue(out.contains("compile with from_logits: true"), out)
        XCTAssertTrue(out.contains("step(m, data, batch: 4, steps: 3)\n^~~~"), out)
    }
}
