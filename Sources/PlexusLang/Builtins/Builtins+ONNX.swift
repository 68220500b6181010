import PlexusTensor
import PlexusNN
import Foundation

// `export_onnx`: a model as an ONNX file that runs in ONNX Runtime (and converts to PyTorch,
// TensorRT, the browser), with reference inputs and outputs beside it on request.

extension BuiltinCategory {
    static let interop = "interop"
}

extension BuiltinRegistry {
    func registerONNXBuiltins() {
        register("export_onnx", category: BuiltinCategory.interop,
                 signature: Signature(positional: [Param("m", .model), Param("path", .string)],
                                      keywords: [Param("fold_weights", .bool, default: .bool(false)),
                                                 Param("test_inputs", .optional(.list), default: .nothing)]),
                 help: "Writes the model as an ONNX file (opset 17) that runs in ONNX Runtime at any batch size: inputs and outputs named after the model's, the batch dimension symbolic, missing folders on the path created, images NHWC at the edges and NCHW inside, nested models inlined, a shared weight stored once. Weight expressions (W = sum a_i b_i) are exported as nodes, or as their value with fold_weights: true. test_inputs: a list of tensors (or of lists of tensors, one per input) writes ONNX's test_data_set_N folders beside the file, with Plexus's outputs as the expected ones. A layer without an ONNX form is refused by name before anything is written.",
                 example: "export_onnx(mlp, \"mlp.onnx\")") { args, interpreter in
            let m = try args.model("m"), path = try args.string("path")
            let options = ONNXExportOptions(foldWeights: try args.bool("fold_weights"))
            var sets: [[Tensor]] = []
            if case .list(let items) = args["test_inputs"] {
                for item in items {
                    switch item {
                    case .tensor(let t): sets.append([t])
                    case .list(let xs), .tuple(let xs):
                        sets.append(try xs.map { x in
                            guard case .tensor(let t) = x else { throw args.kindError("test_inputs", "tensors, or lists of tensors (one per input)") }
                            return t
                        })
                    default: throw args.kindError("test_inputs", "tensors, or lists of tensors (one per input)")
                    }
                }
                for (k, set) in sets.enumerated() where set.count != m.inputs.count {
                    throw args.error("test set \(k) has \(set.count) tensor\(set.count == 1 ? "" : "s") for the model's \(m.inputs.count) input\(m.inputs.count == 1 ? "" : "s")", at: "test_inputs")
                }
            }
            let proto = try args.attempt { try m.onnxModel(options: options, using: &interpreter.random) }
            let data = try args.attempt { try ONNXFormat.serialize(proto) }
            // Reference outputs first: a failure there leaves no file behind either.
            var references: [(inputs: [Tensor], outputs: [Tensor])] = []
            for set in sets {
                let outputs = try interpreter.withSessionContext(args) { context in
                    try predict(m, inputs: set, batchSize: Swift.max(1, set.first?.shape.first ?? 1), context: context)
                }
                references.append((set, outputs))
            }
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) {
                do {
                    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                } catch {
                    throw args.error("cannot create the folder \(folder): \(error.localizedDescription)", at: "path")
                }
            }
            if let failure = writeFileAtomically(data, toPath: path) {
                throw args.error("cannot write \(path): \(failure)", at: "path")
            }
            let inputNames = proto.graph.input.map(\.name), outputNames = proto.graph.output.map(\.name)
            for (k, reference) in references.enumerated() {
                let dir = ((folder.isEmpty ? "." : folder) as NSString).appendingPathComponent("test_data_set_\(k)")
                do {
                    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                } catch {
                    throw args.error("cannot create \(dir): \(error.localizedDescription)", at: "test_inputs")
                }
                let files = zip(inputNames, reference.inputs).enumerated().map { ("input_\($0)", $1.0, $1.1) }
                    + zip(outputNames, reference.outputs).enumerated().map { ("output_\($0)", $1.0, $1.1) }
                for (file, name, tensor) in files {
                    let bytes = try args.attempt { try onnxTestTensor(tensor, name: name) }
                    let target = (dir as NSString).appendingPathComponent(file + ".pb")
                    if let failure = writeFileAtomically(bytes, toPath: target) {
                        throw args.error("cannot write \(target): \(failure)", at: "test_inputs")
                    }
                }
            }
            interpreter.write(onnxReport(proto, bytes: data.count, path: path, testSets: references.count))
            return .nothing
        }
    }
}

/// `exported siamese to siamese.onnx (13.3 MB): 21 nodes, 14 initializers (3,483,122 params), opset 17`
/// and a line per input and output with its shape, `batch` for the batch dimension.
func onnxReport(_ proto: Onnx_ModelProto, bytes: Int, path: String, testSets: Int) -> String {
    let params = proto.graph.initializer.reduce(0) { $0 + Int($1.dims.reduce(1, *)) }
    var s = "exported \(proto.graph.name) to \(path) (\(formatBytes(Double(bytes)))): \(proto.graph.node.count) nodes, "
    s += "\(proto.graph.initializer.count) initializers (\(formatCount(params)) params), opset \(ONNXFormat.opset)\n"
    func shape(_ v: Onnx_ValueInfoProto) -> String {
        "(" + v.type.tensorType.shape.dim.map { d -> String in
            if case .dimValue(let n)? = d.value { return String(n) }
            if case .dimParam(let p)? = d.value { return p }
            return "?"
        }.joined(separator: ", ") + ")"
    }
    for v in proto.graph.input { s += "  input  \(v.name) \(shape(v))\n" }
    for v in proto.graph.output { s += "  output \(v.name) \(shape(v))\n" }
    if testSets > 0 { s += "  \(testSets) test data set\(testSets == 1 ? "" : "s") with Plexus's outputs\n" }
    return s
}
