import PlexusTensor
import PlexusNN
import Foundation
import SwiftProtobuf
import XCTest
@testable import PlexusNN

// Golden tests of the ONNX exporter: node and initializer counts, names and shapes for the
// siamese network, a residual block and the hypernetwork. That ONNX Runtime computes what Plexus
// computes is checked by `make onnx-check` (Python, not part of `make test`).

final class ONNXExportTests: XCTestCase {
    private func export(_ m: Model, fold: Bool = false) throws -> Onnx_ModelProto {
        var generator = RandomGenerator(seed: 3)
        return try m.onnxModel(options: ONNXExportOptions(foldWeights: fold), using: &generator)
    }

    private func shape(_ v: Onnx_ValueInfoProto) -> [String] {
        v.type.tensorType.shape.dim.map { d in
            switch d.value {
            case .dimValue(let n)?: return String(n)
            case .dimParam(let p)?: return p
            case nil: return "?"
            }
        }
    }

    private func initializer(_ m: Onnx_ModelProto, _ name: String) -> Onnx_TensorProto? {
        m.graph.initializer.first { $0.name == name }
    }

    private func floats(_ t: Onnx_TensorProto) -> [Float] {
        t.rawData.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    /// The siamese network with every layer named, so the golden names do not depend on the
    /// session's automatic counters.
    private func siamese() throws -> Model {
        let x = try Input(shape: [28, 28, 1], name: "image")
        var h = try Conv2D(filters: 24, kernelSize: 3, padding: .same, activation: .relu, name: "c1")(x)
        h = try MaxPooling2D(poolSize: 3, name: "pool")(h)
        h = try Conv2D(filters: 64, kernelSize: 3, padding: .same, activation: .relu, name: "c2")(h)
        h = try Conv2D(filters: 96, kernelSize: 3, activation: .relu, name: "c3")(h)
        h = try Conv2D(filters: 96, kernelSize: 3, activation: .relu, name: "c4")(h)
        h = try Dense(units: 512, activation: .relu, name: "fc")(Flatten(name: "flat")(h))
        let feature = try Model(inputs: x, outputs: h, name: "feature")
        let a = try Input(shape: [28, 28, 1], name: "left"), b = try Input(shape: [28, 28, 1], name: "right")
        var y = try Concatenate(name: "join")([feature(a), feature(b)])
        y = try Dense(units: 1024, activation: .relu, name: "h1")(y)
        y = try Dense(units: 1024, activation: .relu, name: "h2")(y)
        y = try Dense(units: 2, activation: .softmax, name: "out")(y)
        return try Model(inputs: [a, b], outputs: [y], name: "siamese")
    }

    func testTheFileParsesBackWithTheSameTypes() throws {
        let m = try siamese()
        let proto = try export(m)
        let data = try ONNXFormat.serialize(proto)
        let parsed = try Onnx_ModelProto(serializedBytes: data)
        XCTAssertEqual(parsed, proto)
        XCTAssertEqual(parsed.irVersion, 8)
        XCTAssertEqual(parsed.opsetImport.map(\.version), [17])
        XCTAssertEqual(parsed.opsetImport.map(\.domain), [""])
        XCTAssertEqual(parsed.producerName, "plexus")
        XCTAssertEqual(parsed.graph.name, "siamese")
    }

    func testSiameseStoresEachSharedWeightOnce() throws {
        let m = try siamese()
        let proto = try export(m)
        let g = proto.graph
        XCTAssertEqual(g.initializer.count, m.weights.count)
        XCTAssertEqual(g.initializer.count, 16)
        XCTAssertEqual(Set(g.initializer.map(\.name)), Set(m.weights.map(\.path)))
        let stored = g.initializer.reduce(0) { $0 + Int($1.dims.reduce(1, *)) }
        XCTAssertEqual(stored, 3_483_122, "every parameter once: the feature net is not stored twice")
        // Keras's (kh, kw, in, out) kernels are stored as ONNX's (out, in, kh, kw); Dense kernels as they are.
        XCTAssertEqual(initializer(proto, "c1/kernel")?.dims, [24, 1, 3, 3])
        XCTAssertEqual(initializer(proto, "c4/kernel")?.dims, [96, 96, 3, 3])
        XCTAssertEqual(initializer(proto, "fc/kernel")?.dims, [2400, 512])
        // Both calls of the feature model read the one c1 kernel.
        let c1Readers = g.node.filter { $0.input.contains("c1/kernel") }
        XCTAssertEqual(c1Readers.map(\.name), ["feature/c1/linear", "feature[1]/c1/linear"])
        XCTAssertEqual(g.node.count, 35)
        let perCall = ["Transpose", "Conv", "Relu", "MaxPool", "Conv", "Relu", "Conv", "Relu", "Conv", "Relu",
                       "Transpose", "Flatten", "Gemm", "Relu"]
        XCTAssertEqual(g.node.map(\.opType), perCall + perCall + ["Concat", "Gemm", "Relu", "Gemm", "Relu", "Gemm", "Softmax"])
        XCTAssertEqual(g.input.map(\.name), ["left", "right"])
        XCTAssertEqual(g.input.map(shape), [["batch", "28", "28", "1"], ["batch", "28", "28", "1"]])
        XCTAssertEqual(g.output.map(\.name), ["out"])
        XCTAssertEqual(g.output.map(shape), [["batch", "2"]])
    }

    func testResidualBlockTransposesOnceAtTheInputAndOnceAtTheOutput() throws {
        let x = try Input(shape: [8, 8, 4], name: "x")
        var y = try Conv2D(filters: 4, kernelSize: 3, padding: .same, name: "conv_a")(x)
        y = try Activation(.relu, name: "relu_a")(BatchNormalization(name: "bn_a")(y))
        y = try Conv2D(filters: 4, kernelSize: 3, padding: .same, name: "conv_b")(y)
        y = try BatchNormalization(epsilon: 1.001e-5, name: "bn_b")(y)
        y = try Activation(.relu, name: "out")(Add(name: "add")([x, y]))
        let m = try Model(inputs: x, outputs: y, name: "residual")
        let g = try export(m).graph
        XCTAssertEqual(g.node.map(\.opType), ["Transpose", "Conv", "BatchNormalization", "Relu", "Conv",
                                              "BatchNormalization", "Add", "Relu", "Transpose"])
        XCTAssertEqual(g.node.map(\.output), [["x/nchw"], ["conv_a"], ["bn_a"], ["relu_a"], ["conv_b"], ["bn_b"], ["add"],
                                              ["out/inner"], ["out"]])
        XCTAssertEqual(g.node[6].input, ["x/nchw", "bn_b"], "the shortcut reads the input's one NCHW copy")
        XCTAssertEqual(g.node[1].attribute.first { $0.name == "pads" }?.ints, [1, 1, 1, 1])
        XCTAssertEqual(g.node[5].input, ["conv_b", "bn_b/gamma", "bn_b/beta", "bn_b/moving_mean", "bn_b/moving_variance"])
        XCTAssertEqual(g.node[5].attribute.first { $0.name == "epsilon" }?.f, 1.001e-5)
        XCTAssertEqual(g.initializer.count, 12)
        XCTAssertEqual(g.initializer.first { $0.name == "conv_b/kernel" }?.dims, [4, 4, 3, 3])
        XCTAssertEqual(g.initializer.first { $0.name == "bn_a/moving_variance" }?.dims, [4])
        XCTAssertEqual(g.input.map(shape), [["batch", "8", "8", "4"]])
        XCTAssertEqual(g.output.map(\.name), ["out"])
    }

    func testHypernetworkConvolvesEachSampleWithStandardOps() throws {
        let image = try Input(shape: [24, 24, 1], name: "image"), template = try Input(shape: [5, 5, 1], name: "template")
        var k = try Conv2D(filters: 16, kernelSize: 3, padding: .same, activation: .relu, name: "t1")(template)
        k = try GlobalAveragePooling2D(name: "gap")(k)
        k = try Reshape(targetShape: [3, 3, 1, 8], name: "kernels")(Dense(units: 72, name: "generator")(k))
        var y = try Conv(padding: .same, name: "per_sample")([image, k])
        y = try Conv2D(filters: 1, kernelSize: 3, padding: .same, activation: .sigmoid, name: "map")(Activation(.relu, name: "r")(y))
        let m = try Model(inputs: [image, template], outputs: [y], name: "hyper")
        let proto = try export(m)
        let g = proto.graph
        XCTAssertEqual(g.node.map(\.opType), [
            "Transpose", "Conv", "Relu", "GlobalAveragePool", "Flatten", "Gemm", "Constant", "Reshape",  // the template branch
            "Constant", "Transpose", "Conv", "Transpose",                                                // patches of the image
            "Transpose", "Constant", "Reshape", "MatMul", "Add",                                         // times each sample's kernel
            "Relu", "Transpose", "Conv", "Sigmoid", "Transpose",
        ])
        XCTAssertEqual(g.initializer.count, m.weights.count)
        XCTAssertEqual(g.initializer.map(\.name), ["t1/kernel", "t1/bias", "generator/kernel", "generator/bias",
                                                   "per_sample/bias", "map/kernel", "map/bias"])
        // The patch kernel: one-hot, (in * kh * kw, 1, kh, kw), nine taps each picked once.
        let patch = g.node.first { $0.output == ["per_sample/patch_kernel"] }?.attribute.first?.t
        XCTAssertEqual(patch?.dims, [9, 1, 3, 3])
        let values = patch.map(floats) ?? []
        XCTAssertEqual(values.reduce(0, +), 9)
        for tap in 0..<9 { XCTAssertEqual(values[tap * 9 + tap], 1, "tap \(tap)") }
        let patches = g.node.first { $0.output == ["per_sample/patches"] }
        XCTAssertEqual(patches?.attribute.first { $0.name == "group" }?.i, 1)
        XCTAssertEqual(patches?.attribute.first { $0.name == "pads" }?.ints, [1, 1, 1, 1])
        // The kernels keep their batch dimension (0 copies it), so the graph runs at any batch size.
        let shapeConstant = g.node.first { $0.output == ["per_sample/kernel_shape"] }?.attribute.first?.t
        XCTAssertEqual(shapeConstant?.int64Data, [0, 1, 9, 8])
        let matmul = g.node.first { $0.opType == "MatMul" }
        XCTAssertEqual(matmul?.input, ["per_sample/patches_nhwc", "per_sample/kernel_matrices"])
        XCTAssertFalse(g.node.contains { $0.opType == "Conv" && $0.input.contains("kernels") },
                       "no Conv takes a generated kernel as its weight")
        XCTAssertEqual(g.input.map(shape), [["batch", "24", "24", "1"], ["batch", "5", "5", "1"]])
        XCTAssertEqual(g.output.map(shape), [["batch", "24", "24", "1"]])
    }

    func testWeightExpressionsAreNodesOrOneFoldedInitializer() throws {
        let (m, a, b) = try basisConv()
        let expression = try export(m)
        XCTAssertEqual(expression.graph.initializer.map(\.name), ["a", "b", m.layers.first { $0 is Conv }.map { "\($0.name)/bias" } ?? ""])
        XCTAssertEqual(expression.graph.node.filter { $0.opType == "ReduceSum" }.count, 1, "the sum over the basis is a node")

        let folded = try export(m, fold: true)
        XCTAssertEqual(folded.graph.initializer.count, 2)
        XCTAssertEqual(folded.graph.node.map(\.opType), ["Transpose", "Conv", "Transpose"])
        guard let kernel = folded.graph.initializer.first(where: { $0.dims == [64, 1, 11, 11] }) else {
            return XCTFail("no (64, 1, 11, 11) kernel among \(folded.graph.initializer.map(\.dims))")
        }
        // W[o, 0, u, v] = sum_i a[o, 0, i] b[i, u, v], in ONNX's (out, in, kh, kw) order.
        var generator = RandomGenerator(seed: 3)
        let av = try a.materialize(using: &generator).value.scalars, bv = try b.materialize(using: &generator).value.scalars
        let w = floats(kernel)
        for (o, u, v) in [(0, 0, 0), (17, 5, 3), (63, 10, 10)] {
            let expected = (0..<10).reduce(Float(0)) { $0 + av[o * 10 + $1] * bv[$1 * 121 + u * 11 + v] }
            XCTAssertEqual(w[o * 121 + u * 11 + v], expected, accuracy: 1e-5)
        }
    }

    func testAWeightUsedInTwoLayoutsIsStoredOnceAndTheOtherLayoutDerived() throws {
        let w = try Weight(name: "shared_kernel", shape: [3, 3, 1, 4])
        let x = try Input(shape: [6, 6, 1], name: "img")
        let direct = try Conv(padding: .same, useBias: false, name: "direct")([x, w])
        let squared = try Conv(padding: .same, useBias: false, name: "squared")([x, multiply(w, w, name: "w2")])
        let m = try Model(inputs: x, outputs: Add(name: "both")([direct, squared]), name: "two_layouts")
        let g = try export(m).graph
        XCTAssertEqual(g.initializer.map(\.name), ["shared_kernel"])
        // Execution order reaches the product first: the weight is stored as it is, and the Conv's
        // (out, in, kh, kw) kernel is derived from it by a Transpose.
        XCTAssertEqual(g.initializer.map(\.dims), [[3, 3, 1, 4]])
        XCTAssertEqual(g.node.first { $0.opType == "Mul" }?.input, ["shared_kernel", "shared_kernel"])
        let derived = g.node.filter { $0.input == ["shared_kernel"] && $0.opType == "Transpose" }
        XCTAssertEqual(derived.count, 1, "derived once, however many Convs read it")
        XCTAssertEqual(derived.first?.attribute.first { $0.name == "perm" }?.ints, [3, 2, 0, 1])
        let directConv = g.node.first { $0.output == ["direct"] }
        XCTAssertEqual(directConv?.input.dropFirst().first, derived.first?.output.first)
    }

    func testAConstantStoredInAKernelLayoutIsUndoneForAPlainUse() throws {
        let builder = ONNXGraphBuilder()
        let value = try Tensor(shape: [2, 2, 1, 3], values: (0..<12).map(Float.init))
        let constant = ONNXConstant(key: "k", name: "k") { value }
        let depthwise = ONNXWeightForm(permutation: [2, 3, 0, 1], shape: [3, 1, 2, 2])
        XCTAssertEqual(try builder.initializer(constant, form: depthwise), "k")
        let plain = try builder.initializer(constant)
        XCTAssertEqual(try builder.initializer(constant), plain, "derived once")
        XCTAssertEqual(builder.initializers.map(\.dims), [[3, 1, 2, 2]])
        XCTAssertEqual(builder.nodes.map(\.opType), ["Constant", "Reshape", "Transpose"])
        XCTAssertEqual(builder.nodes[0].attribute.first?.t.int64Data, [1, 3, 2, 2], "back to the permuted shape")
        XCTAssertEqual(builder.nodes[2].attribute.first?.ints, [2, 3, 0, 1], "then the inverse permutation")
        XCTAssertEqual(builder.nodes[2].output, [plain])
    }

    func testUnknownHeightAndWidthAreNamedAndPaddedTheSameWay() throws {
        let x = try Input(shape: [nil, nil, 3], name: "photo")
        let y = try Conv2D(filters: 2, kernelSize: 3, strides: 2, padding: .same, name: "conv")(x)
        let g = try export(try Model(inputs: x, outputs: y, name: "fcn")).graph
        XCTAssertEqual(g.input.map(shape), [["batch", "photo_height", "photo_width", "3"]])
        XCTAssertEqual(g.output.map(shape), [["batch", "?", "?", "2"]])
        let conv = g.node.first { $0.opType == "Conv" }
        XCTAssertEqual(conv?.attribute.first { $0.name == "auto_pad" }?.s, Data("SAME_UPPER".utf8))
    }

    func testALayerWithoutAnONNXFormIsRefusedByName() throws {
        let x = try Input(shape: [4, 4, 2])
        let y = try UpSampling2D(size: 2, interpolation: .bilinear, name: "smooth_up")(x)
        let m = try Model(inputs: x, outputs: y, name: "up")
        let message = errorMessage { try self.export(m) }
        XCTAssertTrue(message.hasPrefix("smooth_up cannot be exported to ONNX"), message)
        XCTAssertTrue(message.contains("bilinear"), message)
    }
}
