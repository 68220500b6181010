import PlexusTensor
import PlexusNN
import XCTest

/// Compiling a model to a plan: caching, fusion of standalone activations, slots, inference
/// without a tape, input checks, weights materialising on first run, batched prediction.
final class ExecutionPlanTests: XCTestCase {
    override func setUp() { NameScope.current = NameScope() }

    private func convRelu() throws -> (Model, Conv2D) {
        let x = try Input(shape: [5, 5, 2])
        let conv = try Conv2D(filters: 3, kernelSize: 3, padding: .same)
        let y = try Dense(units: 2)(Flatten()(Activation(.relu)(conv(x))))
        return (try Model(inputs: x, outputs: y, name: "m"), conv)
    }

    func testThePlanIsCompiledOnceAndReused() throws {
        let (m, _) = try convRelu()
        XCTAssertTrue(try m.plan() === m.plan())
    }

    func testAStandaloneActivationIsFusedIntoTheConvolutionBeforeIt() throws {
        let (m, _) = try convRelu()
        let plan = try m.plan()
        XCTAssertEqual(plan.fusedActivationCount, 1)
        XCTAssertEqual(plan.callCount, 3)
        XCTAssertEqual(plan.description, """
            plan for m: inputs [0] -> outputs [4], 5 slots, 4 weights
              conv2d (Conv2D) + relu: [0] -> [1]
              activation (Activation) (fused into conv2d): [1] -> [2]
              flatten (Flatten): [2] -> [3]
              dense (Dense): [3] -> [4]
            """)
    }

    func testTheFusedPlanComputesWhatTheLayersComputeOneByOne() throws {
        let (m, conv) = try convRelu()
        let context = ForwardContext(seed: 3)
        let x = try seededTensor([2, 5, 5, 2], seed: 4)
        let fused = try m.plan().run(inputs: [x], context: context)[0].value
        let c = try conv.forward([Variable(x)], context: context)
        var v = try Activation(.relu).forward([c], context: context)
        for layer in m.layers.suffix(2) { v = try layer.forward([v], context: context) }
        assertAllClose(fused, v.value)
    }

    func testAnActivationIsNotFusedWhenTheConvolutionsOutputIsAlsoReadElsewhere() throws {
        let x = try Input(shape: [4, 4, 1])
        let c = try Conv2D(filters: 2, kernelSize: 1)(x)
        let y = try Add()([Activation(.relu)(c), c])
        XCTAssertEqual(try Model(inputs: x, outputs: y).plan().fusedActivationCount, 0)
        let z = try ReLU()(Conv2D(filters: 2, kernelSize: 1, activation: .tanh)(x))
        XCTAssertEqual(try Model(inputs: x, outputs: z).plan().fusedActivationCount, 0, "the conv has its own activation")
    }

    func testInferenceWithoutGradientsRecordsNoTape() throws {
        let (m, _) = try convRelu()
        let context = ForwardContext(seed: 1)
        let x = try seededTensor([1, 5, 5, 2], seed: 2)
        let inferred = try withoutGradients { try m.plan().run(inputs: [x], context: context)[0] }
        XCTAssertFalse(inferred.requiresGrad, "no backward rule kept")
        let trained = try m.plan().run(inputs: [x], context: context)[0]
        XCTAssertTrue(trained.requiresGrad, "the tape leads back to the weights")
        assertAllClose(inferred.value, trained.value)
    }

    func testWeightsMaterialiseOnFirstRunFromTheContextsGenerator() throws {
        let (m, _) = try convRelu()
        XCTAssertTrue(m.weights.allSatisfy { !$0.isMaterialized })
        let x = try seededTensor([1, 5, 5, 2], seed: 2)
        let first = try output(m, x, seed: 42)
        XCTAssertTrue(m.weights.allSatisfy(\.isMaterialized))
        let values = m.weights.map { $0.variable?.value.scalars ?? [] }
        NameScope.current = NameScope()
        let (again, _) = try convRelu()
        XCTAssertEqual(try output(again, x, seed: 42).scalars, first.scalars, "one seed, one set of weights")
        XCTAssertEqual(again.weights.map { $0.variable?.value.scalars ?? [] }, values)
    }

    func testAWrongInputShapeNamesTheModelTheInputAndBothShapes() throws {
        let (m, _) = try convRelu()
        XCTAssertEqual(errorMessage { try output(m, Tensor.zeros([1, 5, 5, 3])) },
                       "m expects input input_layer of shape (None, 5, 5, 2), got (1, 5, 5, 3)")
        XCTAssertEqual(errorMessage { try outputs(m, []) }, "m expects 1 input value (input_layer), got 0")
    }

    func testAKernelErrorInsideTheGraphNamesTheLayer() throws {
        // A graph whose input size is unknown lets a too-small image reach a valid convolution.
        let x = try Input(shape: [nil, nil, 1])
        let m = try Model(inputs: x, outputs: Conv2D(filters: 1, kernelSize: 3, name: "c")(x), name: "m")
        XCTAssertEqual(errorMessage { try output(m, Tensor.zeros([1, 2, 2, 1])) },
                       "c cannot run: conv2d: the kernel's 3x3 window (dilation (1, 1)) does not fit input (1, 2, 2, 1) and kernel (3, 3, 1, 1) with padding valid, got (1, 2, 2, 1)")
    }

    func testPredictInBatchesEqualsOneRun() throws {
        let (m, _) = try convRelu()
        let context = ForwardContext(seed: 5)
        let x = try seededTensor([7, 5, 5, 2], seed: 6)
        let whole = try predict(m, inputs: [x], batchSize: 32, context: context)[0]
        let batched = try predict(m, inputs: [x], batchSize: 3, context: context)[0]
        XCTAssertEqual(batched.shape, [7, 2])
        assertAllClose(batched, whole)
        XCTAssertFalse(context.training)
    }

    func testPredictRunsInInferenceMode() throws {
        let x = try Input(shape: [100])
        let m = try Model(inputs: x, outputs: Dropout(rate: 0.5)(x))
        let context = ForwardContext(training: true, seed: 1)
        let ones = try Tensor.ones([2, 100])
        XCTAssertEqual(try predict(m, inputs: [ones], context: context)[0].scalars, ones.scalars)
        XCTAssertTrue(context.training, "the context's mode is restored")
    }

    func testPredictChecksItsArguments() throws {
        let a = try Input(shape: [2]), b = try Input(shape: [2])
        let m = try Model(inputs: [a, b], outputs: [Add()([a, b])], name: "sum")
        let context = ForwardContext(seed: 0)
        XCTAssertEqual(errorMessage { try predict(m, inputs: [Tensor.zeros([3, 2]), Tensor.zeros([4, 2])], context: context) },
                       "sum needs the same number of samples in every input to predict, got (3, 2), (4, 2)")
        XCTAssertEqual(errorMessage { try predict(m, inputs: [Tensor.zeros([3, 2]), Tensor.zeros([3, 2])], batchSize: 0, context: context) },
                       "sum cannot predict with batch size 0; it must be positive")
    }

    func testANestedModelRunsInsideItsParent() throws {
        let inner: Model
        do {
            let x = try Input(shape: [3])
            inner = try Model(inputs: x, outputs: Dense(units: 2, activation: .tanh)(x), name: "inner")
        }
        let x = try Input(shape: [3])
        let outer = try Model(inputs: x, outputs: Rescaling(scale: 2)(inner(x)), name: "outer")
        let v = try seededTensor([4, 3], seed: 7)
        let context = ForwardContext(seed: 8)
        let y = try outer.plan().run(inputs: [v], context: context)[0].value
        let direct = try inner.plan().run(inputs: [v], context: context)[0].value
        assertAllClose(y, direct.mapElements { $0 * 2 })
    }

    func testATrainStepReturnsTheLossAndLeavesTheGradients() throws {
        let x = try Input(shape: [3])
        let dense = try Dense(units: 1)
        let m = try Model(inputs: x, outputs: dense(x))
        let context = ForwardContext(seed: 9)
        let input = try seededTensor([4, 3], seed: 10), target = try Tensor.zeros([4, 1])
        let opt = try SGD(learningRate: 0.1)
        let first = try m.trainStep(inputs: [input], context: context, optimizer: opt) { try mseLoss($0[0], target) }
        XCTAssertNotNil(dense.weights[0].variable?.grad)
        var last = first
        for _ in 0..<20 { last = try m.trainStep(inputs: [input], context: context, optimizer: opt) { try mseLoss($0[0], target) } }
        XCTAssertLessThan(last, first * 0.5, "gradient descent on a linear model lowers the loss")
        XCTAssertEqual(errorMessage { try withoutGradients { try m.trainStep(inputs: [input], context: context, optimizer: opt) { try mseLoss($0[0], target) } } },
                       "functional cannot train with gradients switched off (inside withoutGradients)")
    }
}
