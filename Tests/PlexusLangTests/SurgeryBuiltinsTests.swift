import XCTest
@testable import PlexusLang

/// Surgery and running models from the language: what a user types and what comes back.
final class SurgeryBuiltinsTests: XCTestCase {
    let cnn = """
    x = input(8, 8, 1)
    h = x |> conv2d(8, 3, activation: relu) |> flatten() |> dense(16, activation: relu) |> dense(10, activation: softmax)
    cnn = model(x, h, name: "cnn")
    """

    func testToFullyConvComputesTheSameOutputsAsTheOriginal() {
        let t = Transcript()
        t.run(cnn)
        let report = t.run("fc = to_fully_conv(cnn)")
        XCTAssertTrue(report.contains("4,874 → 4,874 params"), report)
        t.run("v = randn(3, 8, 8, 1)")
        XCTAssertEqual(t.run("cnn(v).shape"), "(3, 10)\n")
        XCTAssertEqual(t.run("fc(v).shape"), "(3, 1, 1, 10)\n")
        XCTAssertEqual(t.run("max_abs_diff(cnn(v), fc(v)) < 1e-5"), "true\n")
        XCTAssertEqual(t.run("fc(randn(1, 13, 9, 1)).shape"), "(1, 6, 2, 10)\n")
    }

    func testRunningAModelOnATensorWithoutBatchDimensionSaysHowToFixIt() {
        let t = Transcript()
        t.run(cnn)
        let out = t.run("cnn(randn(8, 8, 1))")
        XCTAssertTrue(out.contains("expects inputs of shape (None, 8, 8, 1), got a tensor of shape (8, 8, 1)"), out)
        XCTAssertTrue(out.contains("help: the first dimension is the batch"), out)
    }

    func testALayerRunsOnValuesAndKeepsItsWeightsForTheNextCall() {
        let t = Transcript()
        t.run("d = dense(3); v = randn(4, 5)")
        XCTAssertEqual(t.run("d(v).shape"), "(4, 3)\n")
        XCTAssertEqual(t.run("max_abs_diff(d(v), d(v))"), "0\n")
        XCTAssertEqual(t.run("d.calls"), "0\n", "running on values records no call in the graph")
    }

    func testCutsOfAChainListEveryTensor() {
        let t = Transcript()
        t.run(cnn)
        let table = t.run("cuts(cnn)")
        XCTAssertTrue(table.contains("5 tensors carry everything downstream"), table)
        XCTAssertTrue(table.contains("flatten (Flatten)") && table.contains("(None, 288)"), table)
    }

    func testSliceAtANonCutExplainsTheBranches() {
        let t = Transcript()
        t.run("""
        x = input(8, 8, 4)
        a = x |> conv2d(4, 1, name: "left")
        b = x |> conv2d(4, 3, padding: "same", name: "right")
        y = add(a, b, name: "join") |> flatten()
        block = model(x, y, name: "block")
        """)
        let out = t.run("slice(block, from: \"left\")")
        XCTAssertTrue(out.contains("error:"), out)
        XCTAssertTrue(out.contains("right"), "the branch left without input is named: \(out)")
        let ok = t.run("s = slice(block, from: \"join\"); params(s)")
        XCTAssertEqual(ok, "0\n")
    }

    func testCopyWeightsReportsWhatItCopied() {
        let t = Transcript()
        t.run(cnn)
        let out = t.run("copy_weights(from: cnn, to: clone(cnn), by: \"order\")")
        XCTAssertTrue(out.contains("6 copied (4,874 params), 0 skipped, 0 mismatched"), out)
    }

    func testPlotDrawsEveryLayerAndWritesDOT() throws {
        let t = Transcript()
        t.run(cnn)
        let drawing = t.run("plot(cnn)")
        for name in ["input_layer", "conv2d", "flatten", "dense", "dense_1"] { XCTAssertTrue(drawing.contains(name), drawing) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("plexus-plot-\(getpid()).dot").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        XCTAssertTrue(t.run("plot(cnn, file: \"\(path)\")").hasPrefix("wrote \(path)"))
        let dot = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(dot.hasPrefix("digraph"), dot)
    }

    func testSetWeightsChecksShapesAndChangesNothingOnAMismatch() {
        let t = Transcript()
        t.run("d = dense(2); y = input(3) |> d; v = ones(1, 3)")
        t.run("set_weights(d, [ones(3, 2), zeros(2)])")
        XCTAssertEqual(t.run("d(v).values"), "[3, 3]\n")
        let out = t.run("set_weights(d, [ones(2, 2), zeros(2)])")
        XCTAssertTrue(out.contains("error"), out)
        XCTAssertEqual(t.run("d(v).values"), "[3, 3]\n")
    }
}
