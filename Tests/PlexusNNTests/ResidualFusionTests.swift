import PlexusTensor
import PlexusNN
import XCTest

/// A residual block's `add |> relu`: the plan runs the sum and the activation as one op
/// (`addActivated`), with the same values and gradients as the two layers called one by one.
final class ResidualFusionTests: XCTestCase {
    override func setUp() { NameScope.current = NameScope() }

    /// x -> conv -> add(conv, x) -> relu -> dense: the add reads a convolution and the input.
    private func block(activation: Layer) throws -> (model: Model, conv: Conv2D, add: Add, activation: Layer, dense: Dense) {
        let x = try Input(shape: [4, 4, 3], name: "x")
        let conv = try Conv2D(filters: 3, kernelSize: 3, padding: .same, name: "conv")
        let add = try Add(name: "add")
        let dense = try Dense(units: 2, name: "dense")
        let y = try dense(Flatten(name: "flatten")(activation(add([conv(x), x]))))
        return (try Model(inputs: x, outputs: y, name: "residual"), conv, add, activation, dense)
    }

    private func byLayer(_ b: (model: Model, conv: Conv2D, add: Add, activation: Layer, dense: Dense), _ x: Variable,
                         _ context: ForwardContext) throws -> Variable {
        let sum = try b.add.forward([try b.conv.forward([x], context: context), x], context: context)
        let activated = try b.activation.forward([sum], context: context)
        return try b.dense.forward([try activated.reshape([x.shape[0], 48])], context: context)
    }

    func testAReluAfterAnAddIsFusedIntoIt() throws {
        let plan = try block(activation: ReLU(name: "relu")).model.plan()
        XCTAssertEqual(plan.fusedActivationCount, 1)
        XCTAssertTrue(plan.description.contains("add (Add) + relu: [0, 1] -> [2]") || plan.description.contains("add (Add) + relu: [1, 0] -> [2]"),
                      plan.description)
        XCTAssertTrue(plan.description.contains("relu (ReLU) (fused into add)"), plan.description)
    }

    func testTheFusedSumComputesWhatTheTwoLayersCompute() throws {
        for activation in [try ReLU(name: "relu") as Layer, try Activation(.gelu(approximate: false), name: "gelu")] {
            NameScope.current = NameScope()
            let b = try block(activation: activation)
            let x = try seededTensor([2, 4, 4, 3], seed: 5)
            let context = ForwardContext(seed: 2)
            let planned = try withoutGradients { try b.model.plan().run(inputs: [x], context: context)[0].value }
            let direct = try withoutGradients { try byLayer(b, Variable(x), context).value }
            let worst = zip(planned.scalars, direct.scalars).map { abs($0 - $1) }.max() ?? .nan
            XCTAssertLessThanOrEqual(worst, 1e-6, activation.name)
        }
    }

    /// Training through the fused op: relu takes its derivative from the fused op's output; gelu,
    /// whose derivative needs the sum, runs as two ops. Both equal the layers one by one.
    func testTrainingGradientsThroughTheFusedSumEqualTheLayersOneByOne() throws {
        for activation in [try ReLU(name: "relu") as Layer, try Activation(.gelu(approximate: false), name: "gelu")] {
            NameScope.current = NameScope()
            let b = try block(activation: activation)
            let x = try seededTensor([2, 4, 4, 3], seed: 6)
            let context = ForwardContext(training: true, seed: 1)
            _ = try withoutGradients { try b.model.plan().run(inputs: [x], context: context) }  // materialise the weights
            let weights = b.model.weights.compactMap(\.variable)
            XCTAssertEqual(weights.count, 4, "two kernels, two biases")
            try assertSameGradients(x, weights: weights, activation.name, planned: { try b.model.plan().run([$0], context: context)[0] },
                                    byLayer: { try byLayer(b, $0, context) })
        }
    }
}
