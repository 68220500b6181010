import XCTest
import PlexusNN

final class PlotTests: XCTestCase {
    override func setUp() { NameScope.current = NameScope() }

    /// A stem split three ways: a two-convolution branch, a pooling branch, and a skip
    /// connection; the branches merge by concatenation, a projection, then the skip is added.
    private func branchAndMerge() throws -> Model {
        let x = try Input(shape: [8, 8, 3], name: "image")
        let stem = try Conv2D(filters: 4, kernelSize: 3, padding: .same, name: "stem")(x)
        let a = try Conv2D(filters: 4, kernelSize: 3, padding: .same, name: "a2")(try Conv2D(filters: 4, kernelSize: 1, name: "a1")(stem))
        let b = try MaxPooling2D(poolSize: 3, strides: 1, padding: .same, name: "b")(stem)
        let proj = try Conv2D(filters: 4, kernelSize: 1, name: "proj")(try Concatenate(name: "merged")([a, b]))
        let y = try GlobalAveragePooling2D(name: "gap")(try Add(name: "sum")([proj, stem]))
        return try Model(inputs: x, outputs: y, name: "branchy")
    }

    func testBranchesAndMergesAreDrawnWithLanes() throws {
        XCTAssertEqual(plot(try branchAndMerge()), """
        ● image (InputLayer)            (None, 8, 8, 3)
        ● stem (Conv2D)                 (None, 8, 8, 4)
        ├─┬─┐
        ● │ │ a1 (Conv2D)               (None, 8, 8, 4)
        ● │ │ a2 (Conv2D)               (None, 8, 8, 4)
        │ ● │ b (MaxPooling2D)          (None, 8, 8, 4)
        ├─┘ │
        ●   │ merged (Concatenate)      (None, 8, 8, 8)
        ●   │ proj (Conv2D)             (None, 8, 8, 4)
        ├───┘
        ● sum (Add)                     (None, 8, 8, 4)
        ● gap (GlobalAveragePooling2D)  (None, 4)
        """)
    }

    func testTheSiameseFeatureModelIsDrawnOnceWithItsTwoCalls() throws {
        let (shared, _, _) = try matchNets()
        XCTAssertEqual(plot(shared), """
        ● input_layer_1 (InputLayer)    (None, 28, 28, 1)
        │ ● input_layer_2 (InputLayer)  (None, 28, 28, 1)
        ●─● feature (Functional) x2     (None, 512)
        ├─┘
        ● concatenate (Concatenate)     (None, 1024)
        ● dense_1 (Dense)               (None, 1024)
        ● dense_2 (Dense)               (None, 1024)
        ● dense_3 (Dense)               (None, 2)
        """)
    }

    func testALayerCalledTwiceInARowGetsALinePerCall() throws {
        let x = try Input(shape: [4], name: "x")
        let d = try Dense(units: 4, name: "twice")
        let m = try Model(inputs: x, outputs: try d(try d(x)))
        XCTAssertEqual(plot(m), """
        ● x (InputLayer)               (None, 4)
        ● twice (Dense) [call 1 of 2]  (None, 4)
        ● twice (Dense) [call 2 of 2]  (None, 4)
        """)
    }

    func testASliceIsDrawnFromItsInputTensor() throws {
        let s = try slice(try branchAndMerge(), from: "sum")
        XCTAssertEqual(plot(s), """
        ● sum (Add, input)              (None, 8, 8, 4)
        ● gap (GlobalAveragePooling2D)  (None, 4)
        """)
    }

    func testDotGraphHasABoxPerLayerAndAnEdgePerInput() throws {
        let (shared, _, _) = try matchNets()
        XCTAssertEqual(plot(shared, dot: true), dotGraph(shared))
        XCTAssertEqual(dotGraph(try branchAndMerge()), """
        digraph "branchy" {
          rankdir=TB;
          node [shape=box, fontname="monospace"];
          n0 [label="image (InputLayer)\\n(None, 8, 8, 3)"];
          n1 [label="stem (Conv2D)\\n(None, 8, 8, 4)"];
          n2 [label="a1 (Conv2D)\\n(None, 8, 8, 4)"];
          n3 [label="a2 (Conv2D)\\n(None, 8, 8, 4)"];
          n4 [label="b (MaxPooling2D)\\n(None, 8, 8, 4)"];
          n5 [label="merged (Concatenate)\\n(None, 8, 8, 8)"];
          n6 [label="proj (Conv2D)\\n(None, 8, 8, 4)"];
          n7 [label="sum (Add)\\n(None, 8, 8, 4)"];
          n8 [label="gap (GlobalAveragePooling2D)\\n(None, 4)"];
          n0 -> n1;
          n1 -> n2;
          n2 -> n3;
          n1 -> n4;
          n3 -> n5;
          n4 -> n5;
          n5 -> n6;
          n6 -> n7;
          n1 -> n7;
          n7 -> n8;
        }
        """)
    }

    func testDotEscapesQuotesInNames() throws {
        let x = try Input(shape: [2], name: "say \"hi\"")
        let m = try Model(inputs: x, outputs: try Dense(units: 1, name: "d")(x), name: "q")
        XCTAssertTrue(dotGraph(m).contains(#"n0 [label="say \"hi\" (InputLayer)\n(None, 2)"];"#), dotGraph(m))
    }
}

final class PlotCostsTests: XCTestCase {
    func testPlotWithCostsEndsEachLineWithItsMacsAndSumsASharedLayersCalls() throws {
        let (shared, _, _) = try matchNets()
        let text = plot(shared, costs: try costs(shared))
        XCTAssertTrue(text.contains("feature (Functional) x2") && text.contains("14,601,984 MACs (2 calls)"), text)
        XCTAssertFalse(text.contains("(InputLayer)    (None, 28, 28, 1)  0 MACs"), text)
        XCTAssertEqual(plot(shared), plot(shared, costs: nil), "the default drawing is unchanged")
    }

    func testDotMarksSharedLayersAndTheCallsOfEachEdgeAndCanLabelShapes() throws {
        let (shared, _, _) = try matchNets()
        let dot = dotGraph(shared, edgeShapes: true)
        XCTAssertTrue(dot.contains("feature (Functional) shared x2\\n(None, 512)\", peripheries=2];"), dot)
        XCTAssertTrue(dot.contains("n0 -> n2 [label=\"call 1 (None, 28, 28, 1)\"];"), dot)
        XCTAssertTrue(dot.contains("n1 -> n2 [label=\"call 2 (None, 28, 28, 1)\"];"), dot)
        XCTAssertTrue(dot.contains("n2 -> n3 [label=\"from call 2 (None, 512)\"];"), dot)
    }

    func testSvgIsTheTerminalDrawingAsAnImage() throws {
        let (shared, _, _) = try matchNets()
        let svg = svgGraph(shared)
        XCTAssertTrue(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""), svg)
        XCTAssertTrue(svg.contains(">●─● feature (Functional) x2"), svg)
        XCTAssertTrue(svg.contains(">├─┘</text>"), svg)
        XCTAssertEqual(svg.components(separatedBy: "<text").count - 1, plot(shared).split(separator: "\n").count)
        let x = try Input(shape: [2])
        let odd = try Model(inputs: x, outputs: Dense(units: 1)(x), name: "a<b & c")
        XCTAssertTrue(svgGraph(odd).contains("<title>a&lt;b &amp; c</title>"), svgGraph(odd))
    }
}
