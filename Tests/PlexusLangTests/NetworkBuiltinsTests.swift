import XCTest
import Foundation
@testable import PlexusLang

/// The network builtins through the language, as a user types them: layers, models, sharing,
/// summaries, errors with carets, members, printing.
final class NetworkBuiltinsTests: XCTestCase {
    /// The siamese MatchNet of docs/design.md: the feature network (1,381,872 parameters) used twice with
    /// shared weights, and once more with a clone for the unshared variant.
    static let siameseScript = """
        x = input(28, 28, 1)
        h = x |> conv2d(24, 3, padding: "same", activation: relu) |> maxpool(3)
        h = h |> conv2d(64, 3, padding: "same", activation: relu)
        h = h |> conv2d(96, 3, activation: relu) |> conv2d(96, 3, activation: relu)
        h = h |> flatten() |> dense(512, activation: relu)
        feature = model(x, h, name: "feature")
        def head(fa, fb) {
          return concat(fa, fb) |> dense(1024, activation: relu) |> dense(1024, activation: relu) |>
                 dense(2, activation: softmax)
        }
        a = input(28, 28, 1); b = input(28, 28, 1)
        shared = model([a, b], head(feature(a), feature(b)), name: "siamese")
        other = clone(feature)
        c = input(28, 28, 1); d = input(28, 28, 1)
        unshared = model([c, d], head(feature(c), other(d)), name: "unshared")
        shared
        summary(shared)
        compare(shared, unshared)
        params(unshared) - params(shared)
        summary(unshared, expand: true)
        """

    func testSiameseScriptPrintsTheModelTheSummaryAndTheComparison() {
        let out = Transcript().run(Self.siameseScript, name: "siamese.plx")
        XCTAssertTrue(out.hasPrefix(
            "siamese (Functional): (None, 28, 28, 1), (None, 28, 28, 1) → (None, 2); 3,483,122 params (13.29 MB); shared: feature x2\n"
            + "Model: \"siamese\"\n"), out)
        XCTAssertTrue(out.contains("""
            │ feature (Functional)          │ (None, 28, 28, 1) →       │       1,381,872 │ input_layer_1[0][0]        │
            │ [shared x2]                   │ (None, 512)               │                 │                            │
            """), out)
        XCTAssertTrue(out.contains("""
             Total params: 3,483,122 (13.29 MB)
             Trainable params: 3,483,122 (13.29 MB)
             Non-trainable params: 0 (0.00 B)
                                    siamese   unshared
            Total params          3,483,122  4,864,994
            Trainable params      3,483,122  4,864,994
            Non-trainable params          0          0

            unshared vs siamese: +1,381,872 params
              feature counted once in siamese (shared x2), twice in unshared: +1,381,872
            1381872
            Model: "unshared"

            """), out)
        // The unshared variant: the clone is a second nested model, expanded with its own layers.
        XCTAssertTrue(out.contains("│ feature_1 (Functional)        │ (None, 512)               │       1,381,872 │ input_layer_5[0][0]        │"), out)
        XCTAssertTrue(out.contains("│ └ dense_4 (Dense)             │ (None, 512)               │       1,229,312 │ flatten_1[0][0]            │"), out)
        XCTAssertTrue(out.hasSuffix(" Total params: 4,864,994 (18.56 MB)\n Trainable params: 4,864,994 (18.56 MB)\n Non-trainable params: 0 (0.00 B)\n"), out)
        XCTAssertFalse(out.contains("error"), out)
    }

    func testAutomaticNamesFollowKeras() {
        let t = Transcript()
        t.run("""
            x = input(8, 8, 3)
            h = x |> conv2d(4, 3) |> conv2d(4, 3) |> maxpool() |> batchnorm() |> relu |> dropout(0.5)
            h = h |> depthwise_conv2d(1) |> separable_conv2d(4, 1) |> conv2d_transpose(4, 1) |> zero_padding2d()
            h = h |> upsampling2d() |> layernorm()
            v = concat(h |> gap(), h |> global_max_pool()) |> dense(2) |> rescaling(0.5)
            m = model(x, v)
            """)
        XCTAssertEqual(t.run("m.layers"), """
            [input_layer (InputLayer), conv2d (Conv2D), conv2d_1 (Conv2D), max_pooling2d (MaxPooling2D), \
            batch_normalization (BatchNormalization), activation (Activation), dropout (Dropout), \
            depthwise_conv2d (DepthwiseConv2D), separable_conv2d (SeparableConv2D), conv2d_transpose (Conv2DTranspose), \
            zero_padding2d (ZeroPadding2D), up_sampling2d (UpSampling2D), layer_normalization (LayerNormalization), \
            global_average_pooling2d (GlobalAveragePooling2D), global_max_pooling2d (GlobalMaxPooling2D), \
            concatenate (Concatenate), dense (Dense), rescaling (Rescaling)]

            """)
        XCTAssertEqual(t.run("m.name"), "\"functional\"\n")
        XCTAssertEqual(t.run("input(3)"), "<tensor (None, 3) from input_layer_1 (InputLayer)>\n")
    }

    func testResetStartsANewNamingScope() {
        let t = Transcript()
        t.run("d = dense(3); e = dense(3)")
        XCTAssertEqual(t.run("e.name"), "\"dense_1\"\n")
        t.run(":reset")
        XCTAssertEqual(t.run("dense(3).name"), "\"dense\"\n")
        // A second session has its own scope.
        XCTAssertEqual(Transcript().run("dense(3).name"), "\"dense\"\n")
    }

    // MARK: - Errors

    func testTooManyArgumentsToALayerNamesItsParameters() {
        XCTAssertEqual(Transcript().run("dense(10, 20)"), """
            <repl>:1:11: error: dense expects 1 positional argument (units), got 2
            dense(10, 20)
                      ^~

            """)
    }

    func testShapeErrorNamesTheLayerBothShapesAndPointsAtTheLayer() {
        let t = Transcript()
        t.run("x = input(28, 28, 1)")
        XCTAssertEqual(t.run("y = x |> flatten() |> conv2d(8, 3)"), """
            <repl>:1:23: error: conv2d expects 4-D input (batch, h, w, channels), got (None, 784) from flatten
            y = x |> flatten() |> conv2d(8, 3)
                                  ^~~~~~~~~~~~

            """)
    }

    func testMergeShapeErrorListsEveryInputWithItsProducer() {
        let t = Transcript()
        t.run("p = input(4, name: \"p\"); q = input(5, name: \"q\")")
        XCTAssertEqual(t.run("add(p, q)"), """
            <repl>:1:1: error: add expects inputs of one shape (or broadcastable: each dimension equal or 1), got (None, 4) from p, (None, 5) from q
            add(p, q)
            ^~~~~~~~~

            """)
    }

    func testASharedLayerRefusesAnInputItsWeightsDoNotFitAndSaysHow() {
        let t = Transcript()
        t.run("d = dense(2); y = input(3) |> d")
        XCTAssertEqual(t.run("input(4) |> d"), """
            <repl>:1:13: error: dense shares its weights between calls and was built for input (None, 3) (kernel (3, 2), bias (2,)), got (None, 4) from input_layer_1
            input(4) |> d
                        ^
            help: this input would need kernel (4, 2), bias (2,); use clone() for a layer with its own weights

            """)
    }

    func testALayerArgumentErrorPointsAtTheArgument() {
        XCTAssertEqual(Transcript().run("conv2d(8, 3, strides: 2, dilation_rate: 2)"), """
            <repl>:1:23: error: conv2d: strides > 1 not supported in conjunction with dilation_rate > 1, got strides (2, 2) and dilation_rate (2, 2)
            conv2d(8, 3, strides: 2, dilation_rate: 2)
                                  ^

            """)
        XCTAssertTrue(Transcript().run("conv2d(0, 3)").hasPrefix("<repl>:1:8: error: conv2d: filters must be positive, got 0\n"))
    }

    func testAMistypedActivationNameSuggestsTheClosest() {
        XCTAssertTrue(Transcript().run(#"dense(4, activation: "rleu")"#).contains(
            #"error: dense argument 'activation' expects an activation (relu, "relu", ...) or none, got a string ("rleu"); did you mean "relu"?"#))
    }

    func testAnUnknownLayerNameSuggestsTheBuiltin() {
        XCTAssertEqual(Transcript().run("conv2D(8, 3)"), """
            <repl>:1:1: error: unknown name 'conv2D': did you mean conv2d?
            conv2D(8, 3)
            ^~~~~~

            """)
    }

    func testAModelWithAnInputMissingFromItsInputsNamesIt() {
        let t = Transcript()
        t.run("a = input(2, name: \"a\"); b = input(2, name: \"b\")")
        XCTAssertTrue(t.run("model(a, add(a, b))").contains(
            "error: the model cannot be built: output add (None, 2) depends on input b (None, 2), which is not among its inputs (a)"))
        XCTAssertEqual(t.run("model(add(a, b)).inputs"),
                       "[<tensor (None, 2) from a (InputLayer)>, <tensor (None, 2) from b (InputLayer)>]\n")
    }

    // MARK: - Members and indexing

    func testMembersOfModelsLayersTensorsAndWeights() {
        let t = Transcript()
        t.run("""
            x = input(6, 6, 1, name: "img")
            m = model(x, x |> conv2d(2, 3) |> flatten() |> dense(3), name: "tiny")
            w = weight(2, 5, trainable: false, name: "w")
            """)
        XCTAssertEqual(t.run("m.name"), "\"tiny\"\n")
        XCTAssertEqual(t.run("m.inputs"), "[<tensor (None, 6, 6, 1) from img (InputLayer)>]\n")
        XCTAssertEqual(t.run("m.outputs[0].shape"), "(none, 3)\n")
        XCTAssertEqual(t.run("m.layers[1..2]"), "[conv2d (Conv2D), flatten (Flatten)]\n")
        XCTAssertEqual(t.run("m[\"conv2d\"].weights"), "[<weight conv2d/kernel (3, 3, 1, 2)>, <weight conv2d/bias (2,)>]\n")
        XCTAssertEqual(t.run("m[\"dense\"].config"),
                       "\"units: 3, activation: linear, use_bias: true, kernel_initializer: glorot_uniform, bias_initializer: zeros\"\n")
        XCTAssertEqual(t.run("m[\"flatten\"].output.shape"), "(none, 32)\n")
        XCTAssertEqual(t.run("m.params"), "119\n")
        XCTAssertEqual(t.run("x.shape"), "(none, 6, 6, 1)\n")
        XCTAssertEqual(t.run("w.shape"), "(2, 5)\n")
        XCTAssertEqual(t.run("w.trainable"), "false\n")
        XCTAssertEqual(t.run("m.layers[1].name"), "\"conv2d\"\n")
    }

    func testAWrongLayerNameSuggestsTheClosest() {
        let t = Transcript()
        t.run("x = input(4); m = model(x, x |> dense(2) |> dense(2))")
        XCTAssertEqual(t.run("m[\"dense_2\"]"), """
            <repl>:1:3: error: model "functional" has no layer "dense_2"; did you mean "dense_1"?
            m["dense_2"]
              ^~~~~~~~~

            """)
    }

    func testAnUnknownMemberListsTheMembersThereAre() {
        let t = Transcript()
        t.run("x = input(4); m = model(x, x |> dense(2))")
        XCTAssertEqual(t.run("m.layer"), """
            <repl>:1:3: error: a model has no member 'layer'; did you mean 'layers'?
            m.layer
              ^~~~~
            note: members of a model: layers, inputs, outputs, name, type, weights, params, trainable, built, calls

            """)
    }

    func testEveryListedMemberCanBeRead() throws {
        let t = Transcript()
        t.run("""
            x = input(4); d = dense(2); y = x |> d; m = model(x, y)
            w = weight(3); v = tensor([1, 2]); data = template_matching(2, size: 4, template: 2); o = adam()
            """)
        let globals = t.session.interpreter.globals.values
        for name in ["x", "d", "m", "w", "v", "data", "o"] {
            let value = try XCTUnwrap(globals[name])
            for member in Value.memberNames(of: value) {
                XCTAssertNoThrow(try XCTUnwrap(value.networkMember(member)), "\(name).\(member)")
            }
        }
        XCTAssertEqual(Value.memberNames(of: .activation(.relu)), ["name"])
    }

    func testIndexingDatasetsAndTensors() {
        let t = Transcript()
        t.run("v = tensor([[1, 2, 3], [4, 5, 6]]); data = template_matching(4, size: 6, template: 2)")
        XCTAssertEqual(t.run("v[1]"), "Tensor(3,) [4, 5, 6]\n")
        XCTAssertEqual(t.run("v[-2..-2]"), "Tensor(1, 3) [1, 2, 3]\n")
        XCTAssertEqual(t.run("data[1..2]"), "Dataset(2 samples: image (6, 6, 1), template (2, 2, 1) -> target (6, 6, 1))\n")
        XCTAssertTrue(t.run("v[2]").contains("error: index 2 is out of range for a tensor's first axis of 2"))
    }

    // MARK: - Weights and expressions

    /// The basis convolution of docs/design.md: W = sum_i a_i b_i, a (64, 1, 10) trainable, b (10, 11, 11)
    /// frozen, as a conv kernel (11, 11, 1, 64) with the convolution's 64 biases.
    func testBasisExpressionCountsTrainableCoefficientsAndAFrozenBasis() {
        let t = Transcript()
        let out = t.run("""
            a = weight(64, 1, 10, name: "a")
            b = weight(10, 11, 11, trainable: false, name: "b")
            w = sum(reshape(a, 64, 10, 1, 1) * b, axis: 1)
            kernel = reshape(transpose(w, 1, 2, 0), 11, 11, 1, 64)
            x = input(28, 28, 1)
            m = model(x, conv(x, kernel, padding: "same"), name: "basis_conv")
            kernel
            m
            params(m, trainable: true)
            params(m, trainable: false)
            """)
        XCTAssertEqual(out, """
            <tensor (11, 11, 1, 64) from reshape_1 (Reshape)>
            basis_conv (Functional): (None, 28, 28, 1) → (None, 28, 28, 64); 1,914 params (7.48 KB), 1,210 non-trainable
            704
            1210

            """)
        XCTAssertTrue(t.run("summary(m)").hasSuffix("""
             Total params: 1,914 (7.48 KB)
             Trainable params: 704 (2.75 KB)
             Non-trainable params: 1,210 (4.73 KB)

            """))
    }

    func testTheBasisAsAMatrixProductCountsTheSame() {
        let t = Transcript()
        t.run("""
            a = weight(64, 1, 10); b = weight(10, 11, 11, trainable: false)
            k = reshape(transpose(matmul(reshape(a, 64, 10), reshape(b, 10, 121))), 11, 11, 1, 64)
            x = input(28, 28, 1); m = model(x, conv(x, k, padding: "same"))
            """)
        XCTAssertEqual(t.run("(params(m, trainable: true), params(m, trainable: false), shape(k))"), "(704, 1210, (11, 11, 1, 64))\n")
    }

    func testAHypernetworkKernelHasABatchDimensionAndEachSampleGetsItsOwn() {
        let t = Transcript()
        let out = t.run("""
            image = input(32, 32, 1); template = input(5, 5, 1)
            k = template |> conv2d(8, 3) |> gap() |> dense(72) |> reshape(3, 3, 1, 8)
            k
            y = conv(image, k, padding: "same")
            y
            m = model([image, template], y)
            m.params
            """)
        // conv2d 3*3*1*8 + 8 = 80, dense 8*72 + 72 = 648, the conv's bias 8.
        XCTAssertEqual(out, """
            <tensor (None, 3, 3, 1, 8) from reshape (Reshape)>
            <tensor (None, 32, 32, 8) from conv (Conv)>
            736

            """)
    }

    func testGraphArithmeticWithNumbersIsARescalingLayer() {
        let t = Transcript()
        t.run("x = input(3)")
        XCTAssertEqual(t.run("(1 - x).layer.config"), "\"scale: -1, offset: 1\"\n")
        XCTAssertEqual(t.run("(x / 4).layer.config"), "\"scale: 0.25, offset: 0\"\n")
        XCTAssertEqual(t.run("(-x).layer.config"), "\"scale: -1, offset: 0\"\n")
        XCTAssertTrue(t.run("x / 0").contains("error: division by zero"))
        XCTAssertTrue(t.run("2 / x").contains("error: cannot apply '/' with a symbolic tensor on the right of a number"))
    }

    func testMixingValuesWithGraphNodesSuggestsConstant() {
        let t = Transcript()
        t.run("x = input(2)")
        XCTAssertEqual(t.run("x + tensor([1, 2])"), """
            <repl>:1:1: error: cannot apply '+' to a symbolic tensor and a tensor: one holds values now, the other is a graph node
            x + tensor([1, 2])
            ^~~~~~~~~~~~~~~~~~
            help: a tensor of values joins a graph as constant(t) (a frozen weight holding it)

            """)
        XCTAssertEqual(t.run("y = x + constant(tensor([1, 2])); y.shape"), "(none, 2)\n")
        XCTAssertEqual(t.run("params(model(y), trainable: false)"), "2\n")
    }

    func testReshapeIsALayerWithSizesAndAnOperationWithATensor() {
        let t = Transcript()
        t.run("x = input(12)")
        XCTAssertEqual(t.run("reshape(3, -1)"),
                       "reshape (Reshape) target_shape: (3, -1); not built yet: weights are created on the first call\n")
        XCTAssertEqual(t.run("shape(x |> reshape(3, 4))"), "(none, 3, 4)\n")
        XCTAssertEqual(t.run("shape(reshape(x, [2, 6]))"), "(none, 2, 6)\n")
        XCTAssertEqual(t.run("shape(reshape(weight(2, 6), 3, 4))"), "(3, 4)\n")
        XCTAssertEqual(t.run("reshape(tensor([1, 2, 3, 4, 5, 6]), -1, 2)"), "Tensor(3, 2) [1, 2, 3, 4, 5, 6]\n")
    }

    // MARK: - Layers, activations, merges

    func testActivationsAreValuesNamesAndLayers() {
        let t = Transcript()
        t.run("x = input(4)")
        XCTAssertEqual(t.run("relu"), "<activation relu>\n")
        XCTAssertEqual(t.run("dense(2, activation: relu).config == dense(2, activation: \"relu\").config"), "true\n")
        XCTAssertEqual(t.run("x |> relu"), "<tensor (None, 4) from activation (Activation)>\n")
        XCTAssertEqual(t.run("sigmoid(x, name: \"gate\")"), "<tensor (None, 4) from gate (Activation)>\n")
        XCTAssertEqual(t.run("tanh()"), "activation_1 (Activation) activation: tanh; not built yet: weights are created on the first call\n")
    }

    func testActivationsComputeOnTensorsOfValues() {
        let t = Transcript()
        XCTAssertEqual(t.run("relu(tensor([-1, 0, 2]))"), "Tensor(3,) [0, 0, 2]\n")
        // softmax([1, 2, 3]) = exp(x) / sum(exp(x)) = (0.0900, 0.2447, 0.6652), by hand.
        XCTAssertEqual(t.run("softmax(tensor([1, 2, 3]))"), "Tensor(3,) [0.09003, 0.2447, 0.6652]\n")
        XCTAssertEqual(t.run("tensor([-2, 3]) |> leaky_relu"), "Tensor(2,) [-0.4, 3]\n")
    }

    func testMergesTakeSeveralTensorsOrOneListAndComputeOnValues() {
        let t = Transcript()
        t.run("p = input(4); q = input(4)")
        XCTAssertEqual(t.run("add(p, q)"), "<tensor (None, 4) from add (Add)>\n")
        XCTAssertEqual(t.run("[p, q] |> maximum"), "<tensor (None, 4) from maximum (Maximum)>\n")
        XCTAssertEqual(t.run("shape(concat([p, q, p]))"), "(none, 12)\n")
        XCTAssertEqual(t.run("average(tensor([1, 2]), tensor([3, 6]))"), "Tensor(2,) [2, 4]\n")
        XCTAssertEqual(t.run("concat(tensor([[1], [2]]), tensor([[3], [4]]))"), "Tensor(2, 2) [1, 3, 2, 4]\n")
        XCTAssertEqual(t.run("subtract()"), "subtract (Subtract); not built yet: weights are created on the first call\n")
    }

    func testALayerBuiltinPipesWithoutParentheses() {
        let t = Transcript()
        t.run("x = input(4, 4, 2)")
        XCTAssertEqual(t.run("x |> flatten"), "<tensor (None, 32) from flatten (Flatten)>\n")
        XCTAssertEqual(t.run("x |> maxpool"), "<tensor (None, 2, 2, 2) from max_pooling2d (MaxPooling2D)>\n")
        XCTAssertEqual(t.run("x |> dense"), """
            <repl>:1:6: error: dense expects 1 positional argument (units), got 0
            x |> dense
                 ^~~~~
            help: give dense its arguments: x |> dense(units, activation: none, use_bias: true, kernel_initializer: "glorot_uniform", bias_initializer: "zeros", name: none)

            """)
    }

    func testCallingALayerTwiceSharesItsWeights() {
        let t = Transcript()
        t.run("d = dense(8); a = input(4); b = input(4); m = model([a, b], add(d(a), d(b)))")
        XCTAssertEqual(t.run("(m.params, d.calls)"), "(40, 2)\n")
        XCTAssertEqual(t.run("m"), "functional (Functional): (None, 4), (None, 4) → (None, 8); 40 params (160.00 B); shared: dense x2\n")
    }

    func testLayerArgumentsFollowKeras() {
        let t = Transcript()
        XCTAssertEqual(t.run("maxpool(3).config"), "\"pool_size: (3, 3), strides: (3, 3), padding: \\\"valid\\\"\"\n")
        XCTAssertEqual(t.run("conv2d(8, (3, 5), strides: [2, 1]).config"), """
            "filters: 8, kernel_size: (3, 5), strides: (2, 1), padding: \\"valid\\", dilation_rate: (1, 1), groups: 1, \
            activation: linear, use_bias: true, kernel_initializer: glorot_uniform, bias_initializer: zeros"

            """)
        XCTAssertEqual(t.run("zero_padding2d(((0, 1), (2, 3))).config"), "\"padding: ((0, 1), (2, 3))\"\n")
        XCTAssertEqual(t.run("gap(keepdims: true).type"), "\"GlobalAveragePooling2D\"\n")
        XCTAssertEqual(t.run("shape(input(7, 7, 16) |> conv2d_transpose(8, 3, strides: 2, padding: \"same\"))"), "(none, 14, 14, 8)\n")
    }

    // MARK: - Models

    func testFreezeAListOfLayersAndUnfreezeAgain() {
        let t = Transcript()
        t.run("x = input(4); m = model(x, x |> dense(3) |> dense(2))")
        // freeze returns what it froze, so the prompt shows it.
        XCTAssertEqual(t.run("freeze(m.layers[1..1]); params(m, trainable: false)"), "[dense (Dense)]\n15\n")
        XCTAssertEqual(t.run("(m.layers[1].trainable, m.layers[2].trainable, m.trainable)"), "(false, true, false)\n")
        XCTAssertEqual(t.run("frozen = freeze(m); params(m, trainable: false)"), "23\n")
        XCTAssertEqual(t.run("unfreeze(m)"), "functional (Functional): (None, 4) → (None, 2); 23 params (92.00 B)\n")
        XCTAssertTrue(t.run("freeze([m, 3])").contains("error: freeze: freezes layers, models and weights, got a number (3)"))
        XCTAssertEqual(t.run("params(m, trainable: false)"), "0\n")
    }

    func testCloneGivesFreshWeightsAndCopyTheSameValues() {
        let t = Transcript()
        t.run("x = input(4); m = model(x, x |> dense(3), name: \"m\"); c = clone(m); w = weight(2, 2, name: \"w\")")
        XCTAssertEqual(t.run("(c.name, c.params, c.weights[0] == m.weights[0])"), "(\"m_1\", 15, false)\n")
        XCTAssertEqual(t.run("clone(dense(4, name: \"fc\")).name"), "\"fc_1\"\n")
        t.run("w2 = copy(w)")
        XCTAssertEqual(t.run("(w2.name, w2.materialised, w.materialised)"), "(\"w_1\", true, true)\n")
    }

    // MARK: - Printing

    func testPrintingNetworkValues() {
        let t = Transcript()
        t.run("x = input(4, name: \"x\"); d = dense(2); y = d(x)")
        XCTAssertEqual(t.run("y"), "<tensor (None, 2) from dense (Dense)>\n")
        XCTAssertEqual(t.run("d"), """
            dense (Dense) units: 2, activation: linear, use_bias: true, kernel_initializer: glorot_uniform, \
            bias_initializer: zeros; weights kernel (4, 2), bias (2,) = 10 params

            """)
        XCTAssertEqual(t.run("model(x, y, name: \"m\")"), "m (Functional): (None, 4) → (None, 2); 10 params (40.00 B)\n")
        XCTAssertEqual(t.run("weight(3, 4, name: \"a\")"), "<weight a (3, 4) trainable, 12 params, glorot_uniform>\n")
        XCTAssertEqual(t.run("weight(2, trainable: false, init: 0.5)"), "<weight weight (2,) frozen, 2 params, constant(0.5)>\n")
        XCTAssertEqual(t.run("zeros(2, 3)"), "Tensor(2, 3) [0, 0, 0, 0, 0, 0]\n")
        XCTAssertEqual(t.run("template_matching(3, size: 8, template: 3)"),
                       "Dataset(3 samples: image (8, 8, 1), template (3, 3, 1) -> target (8, 8, 1))\n")
        XCTAssertEqual(t.run("sgd(0.1, momentum: 0.9)"), "sgd(learning_rate: 0.1, momentum: 0.9)\n")
        XCTAssertEqual(t.run("[relu, d]"), "[<activation relu>, dense (Dense)]\n")
    }

    // MARK: - Tensors of values

    /// `matmul` on tensors of values follows NumPy as its help says (and as on symbolic tensors):
    /// vectors as rows and columns, batch dimensions broadcast; the symbolic shape is the same.
    func testMatmulOnValuesFollowsNumPyLikeTheSymbolicMatmul() {
        let t = Transcript()
        t.run("m = tensor([[1, 2], [3, 4]]); v = tensor([1, 2])")
        XCTAssertEqual(t.run("matmul(v, m)"), "Tensor(2,) [7, 10]\n")
        XCTAssertEqual(t.run("matmul(m, v)"), "Tensor(2,) [5, 11]\n")
        XCTAssertEqual(t.run("matmul(v, v)"), "Tensor() [5]\n")
        XCTAssertEqual(t.run("matmul(ones(3, 1, 2, 2), m).shape"), "(3, 1, 2, 2)\n")
        XCTAssertEqual(t.run("matmul(weight(3, 1, 2, 2), weight(2, 2)).shape"), "(3, 1, 2, 2)\n")
        XCTAssertEqual(t.run("matmul(weight(2), weight(2, 2)).shape"), "(2,)\n")
        XCTAssertTrue(t.run("matmul(ones(2, 3, 2), ones(3, 2, 2))")
            .contains("error: matmul: (2, 3, 2) and (3, 2, 2) cannot be multiplied: batch sizes 2 and 3 do not broadcast"))
    }

    func testTensorArithmeticAndReductionsComputedByHand() {
        let t = Transcript()
        t.run("v = tensor([[1, 2], [3, 4]])")
        XCTAssertEqual(t.run("v * 2 + 1"), "Tensor(2, 2) [3, 5, 7, 9]\n")
        XCTAssertEqual(t.run("1 - v"), "Tensor(2, 2) [0, -1, -2, -3]\n")
        XCTAssertEqual(t.run("v + tensor([10, 20])"), "Tensor(2, 2) [11, 22, 13, 24]\n")
        // [[1, 2], [3, 4]] @ [[1, 2], [3, 4]] = [[7, 10], [15, 22]].
        XCTAssertEqual(t.run("matmul(v, v)"), "Tensor(2, 2) [7, 10, 15, 22]\n")
        XCTAssertEqual(t.run("transpose(v)"), "Tensor(2, 2) [1, 3, 2, 4]\n")
        XCTAssertEqual(t.run("sum(v, axis: 0)"), "Tensor(2,) [4, 6]\n")
        XCTAssertEqual(t.run("mean(v, axis: 1, keepdims: true)"), "Tensor(2, 1) [1.5, 3.5]\n")
        XCTAssertEqual(t.run("v ** 2"), "Tensor(2, 2) [1, 4, 9, 16]\n")
        XCTAssertEqual(t.run("(sum([1, 2, 3]), mean(1..4))"), "(6, 2.5)\n")
        XCTAssertTrue(t.run("tensor([[1, 2], [3]])").contains("error: tensor: nested lists must be rectangular: expected shape (2, 2)"))
    }

    func testRandnFollowsTheSessionSeed() {
        let t = Transcript()
        t.run(":seed 7")
        let first = t.run("randn(3)")
        XCTAssertNotEqual(t.run("randn(3)"), first)
        t.run(":seed 7")
        XCTAssertEqual(t.run("randn(3)"), first)
        XCTAssertTrue(first.hasPrefix("Tensor(3,) ["), first)
    }

    // MARK: - Data and optimisers

    func testDataBuiltinsLoadSplitAndPair() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("plexus-bind-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("small.csv").path
        try "a,b,label\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n".write(toFile: path, atomically: true, encoding: .utf8)
        let t = Transcript()
        t.run(":seed 3")
        XCTAssertEqual(t.run("data = csv(\"\(path)\", label: \"label\"); data"), "Dataset(4 samples: features (2,) -> target ())\n")
        XCTAssertEqual(t.run("train, test = split(data, 0.75); (train.count, test.count)"), "(3, 1)\n")
        XCTAssertEqual(t.run("test.inputs[0]"), "Tensor(1, 2) [7, 8]\n")
        XCTAssertEqual(t.run("pairs(data, n: 6)"), "Dataset(6 samples: left (2,), right (2,) -> target ())\n")
        XCTAssertEqual(t.run("pairs(data, n: 4).target"), "Tensor(4,) [1, 0, 1, 0]\n")
        XCTAssertTrue(t.run("csv(\"\(path)\", label: \"lable\")").contains("no column named 'lable'"))
    }

    func testOptimizersTakeTheLearningRateByPositionNameOrLr() {
        let t = Transcript()
        XCTAssertEqual(t.run("adam()"), "adam(learning_rate: 0.001)\n")
        XCTAssertEqual(t.run("sgd(learning_rate: 0.5).learning_rate"), "0.5\n")
        XCTAssertEqual(t.run("rmsprop(lr: 0.25).learning_rate"), "0.25\n")
        XCTAssertEqual(t.run("adamw(0.002)"), "adamw(learning_rate: 0.002)\n")
        XCTAssertEqual(t.run("sgd(0.1, lr: 0.2)"), """
            <repl>:1:14: error: sgd: got both learning_rate and lr, which are the same argument
            sgd(0.1, lr: 0.2)
                         ^~~

            """)
        XCTAssertTrue(t.run("sgd(momentum: 1.5)").hasPrefix("<repl>:1:15: error: sgd: momentum must be in [0, 1], got 1.5\n"))
    }

    // MARK: - Registry

    func testNetworkBuiltinsAreRegisteredOnceWithHelpAndAnExample() {
        let registry = BuiltinRegistry.standard()
        var seen = Set<String>()
        for b in registry.all {
            XCTAssertTrue(seen.insert(b.name).inserted, "\(b.name) registered twice")
            XCTAssertFalse(b.help.isEmpty, b.name)
            XCTAssertFalse(b.example.isEmpty, b.name)
        }
        let catalogue = ["input", "dense", "conv2d", "depthwise_conv2d", "separable_conv2d", "conv2d_transpose", "maxpool",
                         "avgpool", "global_avg_pool", "gap", "global_max_pool", "flatten", "reshape", "permute", "dropout",
                         "batchnorm", "layernorm", "zero_padding2d", "upsampling2d", "rescaling", "relu", "relu6",
                         "leaky_relu", "elu", "gelu", "silu", "sigmoid", "tanh", "softmax", "linear", "concat", "add",
                         "subtract", "multiply", "average", "maximum", "conv", "weight", "constant", "zeros", "ones",
                         "randn", "tensor", "matmul", "transpose", "sum", "mean", "model", "clone", "copy", "freeze",
                         "unfreeze", "summary", "params", "compare", "shape", "digits", "csv", "idx", "npy", "split",
                         "pairs", "template_matching", "sgd", "adam", "adamw", "rmsprop"]
        for name in catalogue { XCTAssertNotNil(registry.lookup(name), name) }
    }

    func testBuildingTheRegistryIsCheap() {
        // Startup builds the registry once; in a debug build it still takes well under the 50 ms
        // the whole startup may use (the best of five, so a busy machine does not fail it).
        var best = Double.infinity
        for _ in 0..<5 {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = BuiltinRegistry.standard()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        print("building the registry: \(best) ms (debug build, best of 5)")
        XCTAssertLessThan(best, 10, "building the registry took \(best) ms")
    }
}
