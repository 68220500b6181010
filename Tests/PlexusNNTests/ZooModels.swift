import PlexusTensor
import PlexusNN

// Keras applications rebuilt through the public API, with their layer names, to check parameter
// counts against Keras's published figures.

/// The feature network of DESIGN.md's siamese MatchNet: 1,381,872 parameters on 28x28x1.
func matchNetFeature() throws -> Model {
    let x = try Input(shape: [28, 28, 1])
    var h = try Conv2D(filters: 24, kernelSize: 3, padding: .same, activation: .relu)(x)
    h = try MaxPooling2D(poolSize: 3)(h)
    h = try Conv2D(filters: 64, kernelSize: 3, padding: .same, activation: .relu)(h)
    h = try Conv2D(filters: 96, kernelSize: 3, activation: .relu)(h)
    h = try Conv2D(filters: 96, kernelSize: 3, activation: .relu)(h)
    h = try Flatten()(h)
    h = try Dense(units: 512, activation: .relu)(h)
    return try Model(inputs: x, outputs: h, name: "feature")
}

/// The MatchNet head: concatenation of two feature vectors, dense 1024, dense 1024, dense 2.
func matchNetHead(_ fa: SymbolicTensor, _ fb: SymbolicTensor) throws -> SymbolicTensor {
    var y = try Concatenate()([fa, fb])
    y = try Dense(units: 1024, activation: .relu)(y)
    y = try Dense(units: 1024, activation: .relu)(y)
    return try Dense(units: 2, activation: .softmax)(y)
}

/// The siamese network (one feature model called twice) and the unshared one (the feature model
/// and a clone), as in sessions/siamese.plx.
func matchNets() throws -> (shared: Model, unshared: Model, feature: Model) {
    let feature = try matchNetFeature()
    let a = try Input(shape: [28, 28, 1]), b = try Input(shape: [28, 28, 1])
    let shared = try Model(inputs: [a, b], outputs: [matchNetHead(feature(a), feature(b))], name: "siamese")
    let other = try clone(feature)
    let c = try Input(shape: [28, 28, 1]), d = try Input(shape: [28, 28, 1])
    let unshared = try Model(inputs: [c, d], outputs: [matchNetHead(feature(c), other(d))], name: "unshared")
    return (shared, unshared, feature)
}

/// DESIGN.md's basis convolution: a kernel W = sum_i a_i b_i of shape (11, 11, 1, 64) with
/// `a` (64, 1, 10) trainable and the basis `b` (10, 11, 11) frozen, used by a `Conv` with bias.
func basisConv() throws -> (model: Model, a: Weight, b: Weight) {
    let a = try Weight(name: "a", shape: [64, 1, 10])
    let b = try Weight(name: "b", shape: [10, 11, 11], initializer: .randomNormal(), trainable: false)
    // a_i b_i for every i: (64, 1, 10, 1, 1) * (10, 11, 11) -> (64, 1, 10, 11, 11), summed over i.
    let terms = try multiply(reshape(a, [64, 1, 10, 1, 1]), b)
    let w = try transpose(sum(terms, axes: [2]), [2, 3, 1, 0])
    let x = try Input(shape: [28, 28, 1])
    let y = try Conv(padding: .same)([x, w])
    return (try Model(inputs: x, outputs: y, name: "basis_conv"), a, b)
}

/// keras.applications.InceptionResNetV2: 55,873,736 parameters, 60,544 non-trainable. Keras's
/// `CustomScaleLayer` (`x + scale * r`, no weights) is written as `Rescaling` then `Add`.
func inceptionResNetV2() throws -> Model {
    func convBN(_ x: SymbolicTensor, _ filters: Int, _ kernel: Size2D, strides: Size2D = 1, padding: Padding = .same,
                activation: ActivationFunction? = .relu, useBias: Bool = false, name: String? = nil) throws -> SymbolicTensor {
        var y = try Conv2D(filters: filters, kernelSize: kernel, strides: strides, padding: padding, useBias: useBias, name: name)(x)
        if !useBias { y = try BatchNormalization(scale: false, name: name.map { $0 + "_bn" })(y) }
        if let activation { y = try Activation(activation, name: name.map { $0 + "_ac" })(y) }
        return y
    }
    func block(_ x: SymbolicTensor, scale: Float, type: String, index: Int, activation: ActivationFunction? = .relu) throws -> SymbolicTensor {
        var branches: [SymbolicTensor]
        switch type {
        case "block35":
            branches = [try convBN(x, 32, 1),
                        try convBN(convBN(x, 32, 1), 32, 3),
                        try convBN(convBN(convBN(x, 32, 1), 48, 3), 64, 3)]
        case "block17":
            branches = [try convBN(x, 192, 1), try convBN(convBN(convBN(x, 128, 1), 160, [1, 7]), 192, [7, 1])]
        default:
            branches = [try convBN(x, 192, 1), try convBN(convBN(convBN(x, 192, 1), 224, [1, 3]), 256, [3, 1])]
        }
        let name = "\(type)_\(index)"
        let mixed = try Concatenate(axis: 3, name: name + "_mixed")(branches)
        let up = try convBN(mixed, x.shape[3] ?? 0, 1, activation: nil, useBias: true, name: name + "_conv")
        var y = try Add()([x, try Rescaling(scale: scale)(up)])
        if let activation { y = try Activation(activation, name: name + "_ac")(y) }
        return y
    }
    let input = try Input(shape: [299, 299, 3])
    var x = try convBN(input, 32, 3, strides: 2, padding: .valid)
    x = try convBN(x, 32, 3, padding: .valid)
    x = try convBN(x, 64, 3)
    x = try MaxPooling2D(poolSize: 3, strides: 2)(x)
    x = try convBN(x, 80, 1, padding: .valid)
    x = try convBN(x, 192, 3, padding: .valid)
    x = try MaxPooling2D(poolSize: 3, strides: 2)(x)
    x = try Concatenate(axis: 3, name: "mixed_5b")([
        try convBN(x, 96, 1),
        try convBN(convBN(x, 48, 1), 64, 5),
        try convBN(convBN(convBN(x, 64, 1), 96, 3), 96, 3),
        try convBN(AveragePooling2D(poolSize: 3, strides: 1, padding: .same)(x), 64, 1)])
    for i in 1...10 { x = try block(x, scale: 0.17, type: "block35", index: i) }
    x = try Concatenate(axis: 3, name: "mixed_6a")([
        try convBN(x, 384, 3, strides: 2, padding: .valid),
        try convBN(convBN(convBN(x, 256, 1), 256, 3), 384, 3, strides: 2, padding: .valid),
        try MaxPooling2D(poolSize: 3, strides: 2)(x)])
    for i in 1...20 { x = try block(x, scale: 0.1, type: "block17", index: i) }
    x = try Concatenate(axis: 3, name: "mixed_7a")([
        try convBN(convBN(x, 256, 1), 384, 3, strides: 2, padding: .valid),
        try convBN(convBN(x, 256, 1), 288, 3, strides: 2, padding: .valid),
        try convBN(convBN(convBN(x, 256, 1), 288, 3), 320, 3, strides: 2, padding: .valid),
        try MaxPooling2D(poolSize: 3, strides: 2)(x)])
    for i in 1...9 { x = try block(x, scale: 0.2, type: "block8", index: i) }
    x = try block(x, scale: 1, type: "block8", index: 10, activation: nil)
    x = try convBN(x, 1536, 1, name: "conv_7b")
    x = try GlobalAveragePooling2D(name: "avg_pool")(x)
    x = try Dense(units: 1000, activation: .softmax, name: "predictions")(x)
    return try Model(inputs: input, outputs: x, name: "inception_resnet_v2")
}
