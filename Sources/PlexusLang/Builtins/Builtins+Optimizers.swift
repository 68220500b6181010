import PlexusNN
// Optimisers with Keras's names and defaults; the learning rate comes first, by position, as
// `learning_rate:` or as `lr:`.

extension BuiltinRegistry {
    func registerOptimizerBuiltins() {
        /// `learning_rate` by position or name, or `lr:` as an alias.
        func rate(_ args: Arguments, default d: Float) throws -> Float {
            switch (args.isNone("learning_rate"), args.isNone("lr")) {
            case (true, true): return d
            case (false, true): return try args.float("learning_rate")
            case (true, false): return try args.float("lr")
            case (false, false): throw args.error("got both learning_rate and lr, which are the same argument", at: "lr")
            }
        }
        let rateParams = [Param("learning_rate", .optional(.number), default: .nothing)]
        let lr = Param("lr", .optional(.number), default: .nothing)
        let clipping = [Param("weight_decay", .optional(.number), default: .nothing),
                        Param("clipnorm", .optional(.number), default: .nothing),
                        Param("global_clipnorm", .optional(.number), default: .nothing),
                        Param("clipvalue", .optional(.number), default: .nothing)]
        let rateHelp = " The learning rate is the first argument (learning_rate:, or lr: for short). weight_decay is decoupled (shrinks weights before each step); clipnorm, global_clipnorm and clipvalue clip gradients (at most one)."

        register("sgd", category: BuiltinCategory.optimizers,
                 signature: Signature(positional: rateParams,
                                      keywords: [lr, Param("momentum", .number, default: .number(0)),
                                                 Param("nesterov", .bool, default: .bool(false))] + clipping),
                 help: "Gradient descent with optional (Nesterov) momentum, Keras's SGD with its defaults (learning rate 0.01)." + rateHelp,
                 example: "opt = sgd(0.1, momentum: 0.9)    # sgd(learning_rate: 0.1, momentum: 0.9)") { args, _ in
            .optimizer(try args.attempt {
                try SGD(learningRate: rate(args, default: 0.01), momentum: args.float("momentum"), nesterov: args.bool("nesterov"),
                        weightDecay: args.optionalFloat("weight_decay") ?? 0, clipNorm: args.optionalFloat("clipnorm"),
                        globalClipNorm: args.optionalFloat("global_clipnorm"), clipValue: args.optionalFloat("clipvalue"))
            })
        }
        let adamKeywords = [lr, Param("beta_1", .number, default: .number(0.9)), Param("beta_2", .number, default: .number(0.999)),
                            Param("epsilon", .number, default: .number(1e-7)), Param("amsgrad", .bool, default: .bool(false))]
        register("adam", category: BuiltinCategory.optimizers,
                 signature: Signature(positional: rateParams, keywords: adamKeywords + clipping),
                 help: "Adam, Keras's defaults (learning rate 0.001, beta_1 0.9, beta_2 0.999, epsilon 1e-7)." + rateHelp,
                 example: "opt = adam(0.001)") { args, _ in
            .optimizer(try args.attempt {
                try Adam(learningRate: rate(args, default: 0.001), beta1: args.float("beta_1"), beta2: args.float("beta_2"),
                         epsilon: args.float("epsilon"), amsgrad: args.bool("amsgrad"),
                         weightDecay: args.optionalFloat("weight_decay") ?? 0, clipNorm: args.optionalFloat("clipnorm"),
                         globalClipNorm: args.optionalFloat("global_clipnorm"), clipValue: args.optionalFloat("clipvalue"))
            })
        }
        register("adamw", category: BuiltinCategory.optimizers,
                 signature: Signature(positional: rateParams, keywords: adamKeywords + clipping),
                 help: "Adam with decoupled weight decay, Keras's AdamW (weight_decay 0.004 unless given)." + rateHelp,
                 example: "opt = adamw(0.001, weight_decay: 0.01)") { args, _ in
            .optimizer(try args.attempt {
                try AdamW(learningRate: rate(args, default: 0.001), weightDecay: args.optionalFloat("weight_decay") ?? 0.004,
                          beta1: args.float("beta_1"), beta2: args.float("beta_2"), epsilon: args.float("epsilon"),
                          amsgrad: args.bool("amsgrad"), clipNorm: args.optionalFloat("clipnorm"),
                          globalClipNorm: args.optionalFloat("global_clipnorm"), clipValue: args.optionalFloat("clipvalue"))
            })
        }
        register("rmsprop", category: BuiltinCategory.optimizers,
                 signature: Signature(positional: rateParams,
                                      keywords: [lr, Param("rho", .number, default: .number(0.9)),
                                                 Param("momentum", .number, default: .number(0)),
                                                 Param("epsilon", .number, default: .number(1e-7)),
                                                 Param("centered", .bool, default: .bool(false))] + clipping),
                 help: "RMSprop, Keras's defaults (learning rate 0.001, rho 0.9)." + rateHelp,
                 example: "opt = rmsprop(lr: 0.0005)") { args, _ in
            .optimizer(try args.attempt {
                try RMSprop(learningRate: rate(args, default: 0.001), rho: args.float("rho"), momentum: args.float("momentum"),
                            epsilon: args.float("epsilon"), centered: args.bool("centered"),
                            weightDecay: args.optionalFloat("weight_decay") ?? 0, clipNorm: args.optionalFloat("clipnorm"),
                            globalClipNorm: args.optionalFloat("global_clipnorm"), clipValue: args.optionalFloat("clipvalue"))
            })
        }
    }
}
