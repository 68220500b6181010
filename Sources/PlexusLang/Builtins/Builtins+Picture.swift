import PlexusTensor
import PlexusNN

// `picture`: one sample of a dataset with the model's prediction for it, drawn as greyscale
// panels in the terminal or as an SVG file: does the predicted map light up at the template?

extension BuiltinRegistry {
    func registerPictureBuiltins() {
        register("picture", category: BuiltinCategory.training,
                 signature: Signature(positional: [Param("m", .model), Param("data", .dataset)],
                                      keywords: [Param("sample", .integer, default: .number(0)),
                                                 Param("file", .optional(.string), default: .nothing)]),
                 help: "Draws one sample of a dataset beside the model's prediction for it: each input, the target and the predicted map as greyscale panels (each scaled to its own range, ramp \" .:-=+*#%@\" from low to high), then where the target and the prediction peak. Inputs and maps of shape (h, w), (h, w, c) (first channel) or (n,). With file: an SVG picture instead, the peaks outlined in red.",
                 example: "picture(hyper, test, sample: 3)\npicture(hyper, test, sample: 3, file: \"match.svg\")") { args, interpreter in
            let m = try args.model("m"), data = try args.dataset("data")
            let sample = try args.int("sample")
            guard sample >= 0, sample < data.count else {
                throw args.error("sample \(sample) is not in the dataset's 0..<\(data.count)", at: "sample")
            }
            let one = try args.attempt { try data.subset([sample]) }
            let predicted = try interpreter.withSessionContext(args) { context -> Tensor in
                let outputs = try predict(m, inputs: one.inputs, context: context)
                guard outputs.count == 1 else { throw NetworkError(m.name, "has \(outputs.count) outputs; picture draws a model with one") }
                return outputs[0]
            }
            func perSample(_ t: Tensor) throws -> Tensor { try t.reshaped(to: Array(t.shape.dropFirst())) }
            let panels = try args.attempt { () -> [PicturePanel] in
                var panels = try zip(one.inputNames, one.inputs).map { try PicturePanel(title: $0, sample: perSample($1)) }
                panels.append(try PicturePanel(title: "target", sample: perSample(one.target)))
                panels.append(try PicturePanel(title: "prediction", sample: perSample(predicted)))
                return panels
            }
            let target = panels[panels.count - 2], prediction = panels[panels.count - 1]
            let (tp, pp) = (target.peak, prediction.peak)
            let verdict = tp == pp ? "found" : "missed"
            let peaks = "target peaks at row \(tp.row), column \(tp.column); the prediction at row \(pp.row), column \(pp.column): \(verdict)"
            if let path = try args.optionalString("file") {
                let svg = svgPicture(panels, markPeaks: [panels.count - 2, panels.count - 1])
                if let failure = writeFileAtomically(Array(svg.utf8), toPath: path) {
                    throw args.error("cannot write \(path): \(failure)", at: "file")
                }
                interpreter.write("wrote \(path) (SVG, sample \(sample): \(panels.map(\.title).joined(separator: ", ")))\n\(peaks)\n")
                return .nothing
            }
            interpreter.write("\(m.name) on sample \(sample) of \(data.count)\n" + terminalPicture(panels) + peaks + "\n")
            return .nothing
        }
    }
}
