import XCTest
import PlexusNN

final class SummaryTests: XCTestCase {
    override func setUp() { NameScope.current = NameScope() }

    /// Keras's MNIST convnet (keras.io/examples/vision/mnist_convnet) as a functional model.
    private func mnistConvnet() throws -> Model {
        let x = try Input(shape: [28, 28, 1])
        var h = try Conv2D(filters: 32, kernelSize: 3, activation: .relu)(x)
        h = try MaxPooling2D()(h)
        h = try Conv2D(filters: 64, kernelSize: 3, activation: .relu)(h)
        h = try MaxPooling2D()(h)
        h = try Flatten()(h)
        h = try Dropout(rate: 0.5)(h)
        h = try Dense(units: 10, activation: .softmax)(h)
        return try Model(inputs: x, outputs: h)
    }

    func testSequentialCNNSummaryIsKerasLayout() throws {
        XCTAssertEqual(summary(try mnistConvnet()), """
        Model: "functional"
        ┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┓
        ┃ Layer (type)                         ┃ Output Shape                ┃         Param # ┃
        ┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━┩
        │ input_layer (InputLayer)             │ (None, 28, 28, 1)           │               0 │
        ├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤
        │ conv2d (Conv2D)                      │ (None, 26, 26, 32)          │             320 │
        ├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤
        │ max_pooling2d (MaxPooling2D)         │ (None, 13, 13, 32)          │               0 │
        ├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤
        │ conv2d_1 (Conv2D)                    │ (None, 11, 11, 64)          │          18,496 │
        ├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤
        │ max_pooling2d_1 (MaxPooling2D)       │ (None, 5, 5, 64)            │               0 │
        ├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤
        │ flatten (Flatten)                    │ (None, 1600)                │               0 │
        ├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤
        │ dropout (Dropout)                    │ (None, 1600)                │               0 │
        ├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤
        │ dense (Dense)                        │ (None, 10)                  │          16,010 │
        └──────────────────────────────────────┴─────────────────────────────┴─────────────────┘
         Total params: 34,826 (136.04 KB)
         Trainable params: 34,826 (136.04 KB)
         Non-trainable params: 0 (0.00 B)
        """)
    }

    func testNarrowSummaryMatchesKerasPrintedOutputLineForLine() throws {
        // The end of Keras 3's summary of the same network printed on an 80-column console
        // (table width 76), as published with the keras.io MNIST convnet example.
        let keras = """
        │ conv2d_1 (Conv2D)               │ (None, 11, 11, 64)     │        18,496 │
        ├─────────────────────────────────┼────────────────────────┼───────────────┤
        │ max_pooling2d_1 (MaxPooling2D)  │ (None, 5, 5, 64)       │             0 │
        ├─────────────────────────────────┼────────────────────────┼───────────────┤
        │ flatten (Flatten)               │ (None, 1600)           │             0 │
        ├─────────────────────────────────┼────────────────────────┼───────────────┤
        │ dropout (Dropout)               │ (None, 1600)           │             0 │
        ├─────────────────────────────────┼────────────────────────┼───────────────┤
        │ dense (Dense)                   │ (None, 10)             │        16,010 │
        └─────────────────────────────────┴────────────────────────┴───────────────┘
         Total params: 34,826 (136.04 KB)
         Trainable params: 34,826 (136.04 KB)
         Non-trainable params: 0 (0.00 B)
        """
        XCTAssertTrue(summary(try mnistConvnet(), lineLength: 76).hasSuffix(keras))
    }

    func testTwoInputModelWithASharedLayerAndAFrozenBatchNorm() throws {
        let left = try Input(shape: [16], name: "left"), right = try Input(shape: [16], name: "right")
        let encode = try Dense(units: 8, activation: .relu, name: "encoder")
        let joined = try Concatenate()([encode(left), encode(right)])
        let bn = try BatchNormalization()
        let y = try Dense(units: 1, activation: .sigmoid)(bn(joined))
        bn.freeze()
        let m = try Model(inputs: [left, right], outputs: [y], name: "pair")
        // encoder 16*8+8 = 136 (counted once), batch_normalization 4*16 = 64 (all frozen), dense 16+1 = 17.
        XCTAssertEqual(summary(m), """
        Model: "pair"
        ┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
        ┃ Layer (type)                  ┃ Output Shape              ┃         Param # ┃ Connected to               ┃
        ┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
        │ left (InputLayer)             │ (None, 16)                │               0 │ -                          │
        ├───────────────────────────────┼───────────────────────────┼─────────────────┼────────────────────────────┤
        │ right (InputLayer)            │ (None, 16)                │               0 │ -                          │
        ├───────────────────────────────┼───────────────────────────┼─────────────────┼────────────────────────────┤
        │ encoder (Dense)               │ (None, 16) → (None, 8)    │             136 │ left[0][0]                 │
        │ [shared x2]                   │ (None, 16) → (None, 8)    │                 │ right[0][0]                │
        ├───────────────────────────────┼───────────────────────────┼─────────────────┼────────────────────────────┤
        │ concatenate (Concatenate)     │ (None, 16)                │               0 │ encoder[0][0],             │
        │                               │                           │                 │ encoder[1][0]              │
        ├───────────────────────────────┼───────────────────────────┼─────────────────┼────────────────────────────┤
        │ batch_normalization           │ (None, 16)                │              64 │ concatenate[0][0]          │
        │ (BatchNormalization)          │                           │                 │                            │
        │ [frozen, inference mode]      │                           │                 │                            │
        ├───────────────────────────────┼───────────────────────────┼─────────────────┼────────────────────────────┤
        │ dense (Dense)                 │ (None, 1)                 │              17 │ batch_normalization[0][0]  │
        └───────────────────────────────┴───────────────────────────┴─────────────────┴────────────────────────────┘
         Total params: 217 (868.00 B)
         Trainable params: 153 (612.00 B)
         Non-trainable params: 64 (256.00 B)
        """)
    }

    func testSharedNestedModelIsOneRowPerCallBlockAndExpandsWithIndentation() throws {
        let (shared, _, _) = try matchNets()
        let collapsed = summary(shared)
        XCTAssertTrue(collapsed.contains("""
        │ feature (Functional)          │ (None, 28, 28, 1) →       │       1,381,872 │ input_layer_1[0][0]        │
        │ [shared x2]                   │ (None, 512)               │                 │                            │
        │                               │ (None, 28, 28, 1) →       │                 │ input_layer_2[0][0]        │
        │                               │ (None, 512)               │                 │                            │
        """), collapsed)
        XCTAssertFalse(collapsed.contains("└ dense"))
        let expanded = summary(shared, expand: true)
        XCTAssertTrue(expanded.contains("│ └ dense (Dense)               │ (None, 512)               │       1,229,312 │ flatten[0][0]              │"), expanded)
        XCTAssertTrue(expanded.hasSuffix(" Total params: 3,483,122 (13.29 MB)\n Trainable params: 3,483,122 (13.29 MB)\n Non-trainable params: 0 (0.00 B)"))
    }

    func testFrozenAndInferenceModeAreSeparateMarks() throws {
        let x = try Input(shape: [4, 4, 3])
        let a = try BatchNormalization(name: "bn_a"), b = try BatchNormalization(name: "bn_b")
        let m = try Model(inputs: x, outputs: b(a(x)))
        a.inferenceMode = true
        b.freeze()
        b.inferenceMode = false
        let text = summary(m)
        XCTAssertTrue(text.contains("│ bn_a (BatchNormalization)            │ (None, 4, 4, 3)             │              12 │\n│ [inference mode]"), text)
        XCTAssertTrue(text.contains("│ bn_b (BatchNormalization)            │ (None, 4, 4, 3)             │              12 │\n│ [frozen]  "), text)
    }

    func testCompareExplainsTheSiameseDifferenceBySharedBlocks() throws {
        let (shared, unshared, _) = try matchNets()
        XCTAssertEqual(compare(shared, unshared), """
                                siamese   unshared
        Total params          3,483,122  4,864,994
        Trainable params      3,483,122  4,864,994
        Non-trainable params          0          0

        unshared vs siamese: +1,381,872 params
          feature counted once in siamese (shared x2), twice in unshared: +1,381,872
        """)
    }

    func testCompareNamesLayersOnlyInOneModel() throws {
        let x = try Input(shape: [8])
        let small = try Model(inputs: x, outputs: try Dense(units: 4, name: "head")(x), name: "small")
        let big = try Model(inputs: x, outputs: try Dense(units: 4, name: "head2")(Dense(units: 8, name: "extra")(x)), name: "big")
        XCTAssertTrue(compare(small, big).hasSuffix("""
        big vs small: +72 params
          extra (Dense) only in big: +72
        """), compare(small, big))
    }

    func testKerasNumberAndSizeFormats() {
        XCTAssertEqual(formatCount(138_357_544), "138,357,544")
        XCTAssertEqual(formatCount(0), "0")
        XCTAssertEqual(formatCount(999), "999")
        // Keras prints VGG16 as 138,357,544 (527.79 MB) and ResNet50 as 25,636,712 (97.80 MB).
        XCTAssertEqual(formatBytes(ParameterCount.bytes(138_357_544)), "527.79 MB")
        XCTAssertEqual(formatBytes(ParameterCount.bytes(25_636_712)), "97.80 MB")
        XCTAssertEqual(formatBytes(ParameterCount.bytes(5_318)), "20.77 KB")
        XCTAssertEqual(formatBytes(0), "0.00 B")
        XCTAssertEqual(formatSymbolicShape([nil, 28, 28, 1]), "(None, 28, 28, 1)")
        XCTAssertEqual(formatSymbolicShape([24]), "(24,)")
    }
}
