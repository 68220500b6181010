import XCTest
import PlexusNN

// diff: two models aligned by structure, on the golden cases of the issue.

final class DiffTests: XCTestCase {
    private func lines(_ text: String, _ prefix: String) -> [String] {
        text.split(separator: "\n").map(String.init).filter { $0.hasPrefix(prefix) }
    }

    func testResNet50MinusOneIdentityBlockShowsExactlyThatBlock() throws {
        let full = try Applications.resnet50(), short = try Applications.resnet50(conv3Blocks: 3)
        let text = diff(full, short)
        let removed = lines(text, "  - ")
        XCTAssertEqual(removed.count, 10, text)
        XCTAssertTrue(removed.allSatisfy { $0.contains("conv3_block4_") }, text)
        XCTAssertTrue(lines(text, "  + ").isEmpty, text)
        // 1x1 512->128, 3x3 128->128, 1x1 128->512 with biases, and three BatchNormalizations.
        let block = (512 * 128 + 128) + (9 * 128 * 128 + 128) + (128 * 512 + 512) + 4 * (128 + 128 + 512)
        XCTAssertEqual(full.parameterCount.total - short.parameterCount.total, block)
        XCTAssertTrue(text.contains("(-\(formatCount(block)))"), text)
        XCTAssertTrue(removed.contains { $0.contains("conv3_block4_2_conv (Conv2D): params -147,584") }, text)
        // What read the removed block now reads the block before it.
        XCTAssertTrue(text.contains("conv4_block1_0_conv (Conv2D) → conv4_block1_0_conv: inputs rewired: conv3_block4_out[0][0] → conv3_block3_out[0][0]"), text)
    }

    func testToFullyConvChangesClassesAndShapesNotParameters() throws {
        let x = try Input(shape: [8, 8, 1])
        var h = try Conv2D(filters: 4, kernelSize: 3, activation: .relu)(x)
        h = try Dense(units: 10)(Flatten()(h))
        let cnn = try Model(inputs: x, outputs: h, name: "cnn")
        let fc = try toFullyConv(cnn).model
        let text = diff(cnn, fc)
        // conv 6 * 6 * 4 * 9 = 1,296 MACs, dense 144 * 10 = 1,440; the converted one at 8x8 the same.
        XCTAssertTrue(text.hasSuffix("params 1,490 → 1,490 (0); MACs 2,736 → 2,736 (0)"), text)
        XCTAssertEqual(lines(text, "  - ").count, 1, text)   // the Flatten
        XCTAssertTrue(text.contains("class Dense → Conv2D; weights (144, 10), (10,) → (6, 6, 4, 10), (10,); output (None, 10) → (None, None, None, 10): params 0"), text)
    }

    func testSiameseVersusUnsharedIsOneFeatureNetSharedVersusTwoCopies() throws {
        let (shared, unshared, _) = try matchNets()
        let text = diff(shared, unshared)
        XCTAssertEqual(text, """
        diff siamese → unshared: 8 calls aligned, 8 unchanged
          ≠ feature (Functional) shared x2 in siamese; 2 copies in unshared (feature, \(unshared.layers[3].name)): params +1,381,872
        params 3,483,122 → 4,864,994 (+1,381,872); MACs 16,701,184 → 16,701,184 (0)
        """)
    }

    func testFrozenInOneModelAndTrainableInTheOther() throws {
        let (_, unshared, feature) = try matchNets()
        let other = try clone(feature)
        freeze(other)
        let a = try Input(shape: [28, 28, 1]), b = try Input(shape: [28, 28, 1])
        let frozen = try Model(inputs: [a, b], outputs: [matchNetHead(feature(a), other(b))], name: "frozen")
        let text = diff(unshared, frozen)
        XCTAssertTrue(text.contains("trainable in unshared, frozen in frozen"), text)
        XCTAssertTrue(text.contains("trainable 4,864,994 → 3,483,122 (-1,381,872)"), text)
    }

    func testGraftHybridVersusItsFrontDonorShowsTheCutSegmentAndTheAdapter() throws {
        let donor = try Applications.mobilenet()
        let front = try slice(donor, to: "conv_pad_6")
        let image = try Input(shape: [224, 224, 3])
        var h = try front(image)
        h = try Conv2D(filters: 64, kernelSize: 1, name: "adapter")(h)
        h = try GlobalAveragePooling2D()(h)
        let hybrid = try Model(inputs: image, outputs: Dense(units: 10, name: "new_head")(h), name: "hybrid")
        let text = diff(donor, hybrid)
        // The front is found inside the nested model, its layers aligned with the donor's own.
        XCTAssertTrue(text.contains("calls aligned"), text)
        let removed = lines(text, "  - ")
        XCTAssertEqual(removed.count, 1, text)
        XCTAssertTrue(removed[0].contains("layers conv_dw_6 (DepthwiseConv2D) … predictions (Activation) (only in mobilenet_1.00_224)"), text)
        let added = lines(text, "  + ")
        XCTAssertTrue(added.contains { $0.contains("adapter (Conv2D)") }, text)
        XCTAssertTrue(added.contains { $0.contains("new_head (Dense)") }, text)
    }
}

final class CompareAlignmentTests: XCTestCase {
    func testUnrelatedModelsAreExplainedPerLayerTypeNotByMisattributedNames() throws {
        let text = compare(try Applications.vgg16(), try Applications.resnet50())
        XCTAssertTrue(text.contains("by layer type:"), text)
        XCTAssertTrue(text.contains("BatchNormalization: 0 in vgg16 (0 params), 53 in resnet50 (106,240 params): +106,240"), text)
        XCTAssertTrue(text.contains("Dense: 3 in vgg16 (123,642,856 params), 1 in resnet50 (2,049,000 params): -121,593,856"), text)
        XCTAssertFalse(text.contains("only in"), text)
        XCTAssertFalse(text.contains("counted"), text)
    }
}
