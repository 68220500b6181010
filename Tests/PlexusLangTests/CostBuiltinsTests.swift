import XCTest
@testable import PlexusLang

/// `costs`, `receptive_field` and `summary(m, costs: true)` as a user types them.
final class CostBuiltinsTests: XCTestCase {
    let feature = """
    x = input(28, 28, 1)
    h = x |> conv2d(24, 3, padding: "same", activation: relu) |> maxpool(3)
    h = h |> conv2d(64, 3, padding: "same", activation: relu)
    h = h |> conv2d(96, 3, activation: relu) |> conv2d(96, 3, activation: relu)
    h = h |> flatten() |> dense(512, activation: relu)
    feature = model(x, h, name: "feature")
    a = input(28, 28, 1); b = input(28, 28, 1)
    siamese = model([a, b], concat(feature(a), feature(b)) |> dense(2), name: "siamese")
    """

    func testCostsIsARecordReadByMemberAndByName() {
        let t = Transcript()
        t.run(feature)
        XCTAssertEqual(t.run("costs(feature).macs"), "7300992\n")
        XCTAssertEqual(t.run("c = costs(siamese, batch: 32)\nc[\"macs\"] == 2 * 7300992 + 1024 * 2"), "true\n")
        XCTAssertEqual(t.run("c.params"), "1383922\n")
        XCTAssertEqual(t.run("c.batch"), "32\n")
        let missing = t.run("c[\"mac\"]")
        XCTAssertTrue(missing.contains("no field \"mac\"; did you mean \"macs\"?"), missing)
        let member = t.run("c.flop")
        XCTAssertTrue(member.contains("did you mean 'flops'?"), member)
    }

    func testSummaryWithCostsAddsAColumnAndTotalsButTheDefaultIsUnchanged() {
        let t = Transcript()
        t.run(feature)
        let plain = t.run("summary(feature)")
        XCTAssertFalse(plain.contains("MACs"), plain)
        XCTAssertTrue(plain.hasSuffix(" Non-trainable params: 0 (0.00 B)\n"), plain)
        let withCosts = t.run("summary(siamese, costs: true, batch: 8)")
        XCTAssertTrue(withCosts.contains("│           MACs │") || withCosts.contains("MACs ┃"), withCosts)
        XCTAssertTrue(withCosts.contains(" MACs: 14,604,032 per sample (14.60 M)"), withCosts)
        XCTAssertTrue(withCosts.contains(" Memory for batch 8:"), withCosts)
        let bad = t.run("summary(feature, costs: true, batch: 0)")
        XCTAssertTrue(bad.contains("batch must be at least 1, got 0"), bad)
    }

    func testReceptiveFieldPrintsATableAndAnswersForOneLayer() {
        let t = Transcript()
        t.run(feature)
        let table = t.run("receptive_field(feature)")
        XCTAssertTrue(table.contains("global"), table)
        // conv 3 same, pool 3/3, conv 3 same (jump 3), conv 3 valid, conv 3 valid: 3, 5, 11, 17, 23.
        XCTAssertEqual(t.run("receptive_field(feature, layer: \"conv2d_3\").size"), "23\n")
        XCTAssertEqual(t.run("receptive_field(feature, layer: \"conv2d_3\").jump"), "3\n")
        let wrong = t.run("receptive_field(feature, layer: \"conv9\")")
        XCTAssertTrue(wrong.contains("has no layer \"conv9\""), wrong)
    }
}
