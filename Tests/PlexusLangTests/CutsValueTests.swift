import XCTest
@testable import PlexusLang

/// `cuts(m)` returns the cuts as a list a script can use, shown as the table at the prompt.
final class CutsValueTests: XCTestCase {
    func session() -> Transcript {
        let t = Transcript()
        t.run("x = input(8); h = x |> dense(4) |> dense(3); m = model(x, h, name: \"chain\")")
        return t
    }

    func testTheValueIsShownAsTheTableOfCuts() {
        let t = session()
        let shown = t.run("cuts(m)")
        XCTAssertTrue(shown.hasPrefix("Cuts of \"chain\": 3 tensors carry everything downstream\n"), shown)
        XCTAssertTrue(shown.contains("│       1 │ dense (Dense)"), shown)
        XCTAssertEqual(t.run("c = cuts(m)"), "", "an assignment prints nothing")
    }

    func testAScriptIndexesLoopsAndCountsTheCuts() {
        let t = session()
        t.run("c = cuts(m)")
        XCTAssertEqual(t.run("len(c); c[1]; c[-1].shape"), "3\n<tensor (None, 4) from dense (Dense)>\n(none, 3)\n")
        XCTAssertEqual(t.run("for cut in c { print(cut.layer.name) }"), "input_layer\ndense\ndense_1\n")
        XCTAssertTrue(t.run("c[3]").contains("error: index 3 is out of range for a list of cuts of 3 elements"))
    }

    func testACutSlicesTheModel() {
        let t = session()
        XCTAssertTrue(t.run("slice(m, from: cuts(m)[1])").hasPrefix("chain_slice (Functional): (None, 4) → (None, 3); 15 params"))
    }

    func testAResidualBlockHasNoCutInside() {
        let t = Transcript()
        t.run("x = input(4); a = x |> dense(4); y = add(a, a |> dense(4)); m = model(x, y)")
        XCTAssertEqual(t.run("names = []\nfor t in cuts(m) { names = names + [t.layer.name] }\nnames"), "[\"input_layer\", \"dense\", \"add\"]\n")
    }
}
