import PlexusNN

// Keras models in and out: `load_keras`, `load_weights`, `save_keras`.

extension BuiltinCategory {
    static let keras = "keras"
}

extension BuiltinRegistry {
    func registerKerasBuiltins() {
        register("load_keras", category: BuiltinCategory.keras, signature: Signature(positional: [Param("path", .string)]),
                 help: "Reads a Keras model: a .keras file (Keras 3) or a legacy .h5 model, with its weights. Layer names are kept (slice and summaries line up with Keras's), nested models stay nested and shared layers shared. A layer, argument or weight Plexus does not have is one error naming the layer and its Keras class; nothing is bound then.",
                 example: "m = load_keras(\"mobilenet.keras\")\nsummary(m)") { args, _ in
            let path = try args.readPath("path")
            return .model(try args.attempt { try loadKeras(path) })
        }

        register("load_weights", category: BuiltinCategory.keras,
                 signature: Signature(positional: [Param("m", .model), Param("path", .string)]),
                 help: "Loads Keras weights into a model of the same architecture written in Plexus (the zoo scripts): keras.applications' legacy .h5 weight files (by layer name), a legacy .h5 model's weights, a Keras 3 .weights.h5 or the weights inside a .keras file (by Keras's layer order). Every weight is checked first; on any mismatch nothing changes.",
                 example: "load_weights(vgg16, \"vgg16_weights_tf_dim_ordering_tf_kernels.h5\")") { args, interpreter in
            let m = try args.model("m"), path = try args.readPath("path")
            let n = try args.attempt { try loadKerasWeights(into: m, from: path) }
            interpreter.write("loaded \(n) weights into \(m.name) from \(try args.string("path"))\n")
            return .nothing
        }

        register("save_keras", category: BuiltinCategory.keras,
                 signature: Signature(positional: [Param("m", .model), Param("path", .string)]),
                 help: "Writes the model as a .keras file that keras.saving.load_model opens: same layer names, shared layers shared, every weight (fresh ones initialised first). Weights used as values, tensor algebra and conv(x, kernel) become Keras custom layers in plexus_layers.py, written beside the file (import it before loading). Written beside its place and renamed: a failed save leaves no half file.",
                 example: "save_keras(mlp, \"mlp.keras\")") { args, interpreter in
            let m = try args.model("m"), path = try args.string("path")
            let report = try args.attempt { try saveKeras(m, to: path, using: &interpreter.random) }
            interpreter.write("saved \(m.name) (\(report.weightCount) weights) to \(path)\n")
            if let module = report.customLayersModule {
                interpreter.write("custom layers in \(module): import plexus_layers before keras.saving.load_model\n")
            }
            return .nothing
        }
    }
}
