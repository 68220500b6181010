import PlexusTensor
import PlexusNN
// Data sets. Everything random draws from the session's one generator (`Interpreter.random`,
// re-seeded by `:seed N`), so a replayed session gets the same data.

extension BuiltinRegistry {
    func registerDataBuiltins() {
        registerDataFileBuiltins()
        registerDatasetBuiltins()
    }

    /// Data from files and back: digits, csv, idx, npy, save_npy.
    func registerDataFileBuiltins() {
        register("digits", category: BuiltinCategory.data, signature: Signature(),
                 help: "The bundled handwritten digits (UCI, CC BY 4.0): 1,797 images of 8x8 pixels scaled to 0..1 as input `images` (8, 8, 1), the digit 0..9 as target.",
                 example: "data = digits()    # Dataset(1797 samples: images (8, 8, 1) -> target ())") { args, _ in
            .dataset(try args.attempt { try digits() })
        }
        register("csv", category: BuiltinCategory.data,
                 signature: Signature(positional: [Param("path", .string), Param("label", .string)]),
                 help: "A numeric CSV file with a header line: the column named `label` is the target, the other columns (in file order) the input `features`. Errors name the line and column of a bad value.",
                 example: "iris = csv(\"iris.csv\", label: \"species\")") { args, _ in
            let path = try args.readPath("path"), label = try args.string("label")
            return .dataset(try args.attempt { try csv(path, label: label) })
        }
        register("idx", category: BuiltinCategory.data,
                 signature: Signature(positional: [Param("images", .string), Param("labels", .string)]),
                 help: "MNIST's IDX files: images (scaled to 0..1 when stored as bytes) as input `images` (h, w, 1), labels as target.",
                 example: "mnist = idx(\"train-images-idx3-ubyte\", \"train-labels-idx1-ubyte\")") { args, _ in
            let images = try args.readPath("images"), labels = try args.readPath("labels")
            return .dataset(try args.attempt { try idx(images: images, labels: labels) })
        }
        register("npy", category: BuiltinCategory.data, signature: Signature(positional: [Param("path", .string)]),
                 help: "A NumPy .npy file (C order; float, integer and bool types) as a tensor of values.",
                 example: "basis = npy(\"basis.npy\")") { args, _ in
            let path = try args.readPath("path")
            return .tensor(try args.attempt { try npy(path) })
        }
        register("save_npy", category: BuiltinCategory.data,
                 signature: Signature(positional: [Param("t", .any), Param("path", .string)]),
                 help: "Writes a tensor of values as a NumPy .npy file (float32, C order) that numpy.load reads: predictions to compare with Keras or PyTorch, a basis to reuse. Written beside its place and renamed: a failed write leaves no half file.",
                 example: "save_npy(predict(m, x), \"y.npy\")\nnpy(\"y.npy\")") { args, interpreter in
            let t = try tensorValue(args["t"], args, "t"), path = try args.string("path")
            try args.attempt { try writeNPY(t, to: path) }
            interpreter.write("saved \(formatShape(t.shape)) to \(path)\n")
            return .nothing
        }
    }

    /// Datasets from tensors and from other datasets: dataset, split, pairs, template_matching.
    func registerDatasetBuiltins() {
        register("dataset", category: BuiltinCategory.data,
                 signature: Signature(positional: [Param("x", .oneOf([.tensor, .list])), Param("target", .tensor)]),
                 help: "A dataset from tensors of values, as Keras's fit(x, y) takes them: `x` one tensor (the input `x`) or a list of tensors (inputs `x1`, `x2`, ... in the order the model's inputs take them) and the target, each indexed by sample along its first dimension.",
                 example: "data = dataset(randn(100, 4), zeros(100))    # Dataset(100 samples: x (4) -> target ())") { args, _ in
            var inputs: [(name: String, tensor: Tensor)] = []
            switch args["x"] {
            case .tensor(let t): inputs = [(name: "x", tensor: t)]
            case .list(let xs):
                for (i, x) in xs.enumerated() {
                    guard case .tensor(let t) = x else { throw args.kindError("x", "a tensor or a list of tensors") }
                    inputs.append((name: "x\(i + 1)", tensor: t))
                }
            default: throw args.kindError("x", "a tensor or a list of tensors")
            }
            guard case .tensor(let target) = args["target"] else { throw args.kindError("target", "a tensor") }
            return .dataset(try args.attempt { try Dataset(inputs: inputs, target: target) })
        }
        register("split", category: BuiltinCategory.data,
                 signature: Signature(positional: [Param("data", .dataset), Param("fraction", .number)],
                                      keywords: [Param("shuffle", .bool, default: .bool(false))]),
                 help: "Splits a dataset into (train, test): the first `fraction` of the samples (rounded down) and the rest, in order; with shuffle: true, in an order drawn from the session's generator.",
                 example: "train, test = split(digits(), 0.8)    # 1437 and 360 samples") { args, interpreter in
            let data = try args.dataset("data"), fraction = try args.number("fraction")
            let parts = try args.attempt {
                try args.bool("shuffle") ? try data.split(fraction, using: &interpreter.random) : try data.split(fraction)
            }
            return .tuple([.dataset(parts.train), .dataset(parts.test)])
        }
        register("pairs", category: BuiltinCategory.data,
                 signature: Signature(positional: [Param("data", .dataset)],
                                      keywords: [Param("n", .optional(.integer), default: .nothing)]),
                 help: "Same/different pairs for siamese training: inputs `left` and `right` shaped like one sample of `data`, target 1 when both have the same label and 0 otherwise, alternating (balanced). n pairs, as many as `data` has samples by default.",
                 example: "train = pairs(digits(), n: 2000)    # Dataset(2000 samples: left (8, 8, 1), right (8, 8, 1) -> target ())") { args, interpreter in
            let data = try args.dataset("data"), n = try args.optionalInt("n")
            // Two samples per pair must fit in memory: refuse before any bookkeeping is allocated.
            let perSample = data.inputs.first.map { $0.count / max(1, data.count) } ?? 1
            try args.attempt { try checkShape([max(0, n ?? data.count), 2, max(1, perSample)], op: "pairs") }
            return .dataset(try args.attempt { try pairs(data, n: n, using: &interpreter.random) })
        }
        register("template_matching", category: BuiltinCategory.data,
                 signature: Signature(positional: [Param("n", .integer)],
                                      keywords: [Param("size", .integer, default: .number(32)),
                                                 Param("template", .integer, default: .number(5)),
                                                 Param("fixed_template", .bool, default: .bool(false)),
                                                 Param("zero_mean", .bool, default: .bool(false))]),
                 help: "A synthetic task for hypernetworks: `image` (size, size, 1) of noise with a template pasted somewhere, the `template` (template, template, 1) itself (new for every sample unless fixed_template), and as target a (size, size, 1) map that is 1 at the template's centre. Values are uniform in [0, 1), or in [-0.5, 0.5) with zero_mean: true, which a network learns about ten times faster (no brightness term in the correlations).",
                 example: "data = template_matching(n: 256, size: 32, template: 5)") { args, interpreter in
            let n = try args.int("n"), size = try args.int("size"), t = try args.int("template")
            let fixed = try args.bool("fixed_template"), zeroMean = try args.bool("zero_mean")
            guard size >= 1, size <= 4096 else { throw args.error("size must be between 1 and 4096, got \(size)", at: "size") }
            return .dataset(try args.attempt {
                try templateMatching(n: n, size: size, templateSize: t, fixedTemplate: fixed, zeroMean: zeroMean, using: &interpreter.random)
            })
        }
    }
}
