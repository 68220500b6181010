import PlexusNN

// Keras applications rebuilt through the public API, with their layer names, to check parameter
// counts against Keras's published figures.

/// keras.applications.VGG16(include_top=True): 138,357,544 parameters.
func vgg16() throws -> Model {
    let input = try Input(shape: [224, 224, 3])
    var x = input
    for (block, (filters, convs)) in [(64, 2), (128, 2), (256, 3), (512, 3), (512, 3)].enumerated() {
        for c in 1...convs {
            x = try Conv2D(filters: filters, kernelSize: 3, padding: .same, activation: .relu, name: "block\(block + 1)_conv\(c)")(x)
        }
        x = try MaxPooling2D(poolSize: 2, strides: 2, name: "block\(block + 1)_pool")(x)
    }
    x = try Flatten(name: "flatten")(x)
    x = try Dense(units: 4096, activation: .relu, name: "fc1")(x)
    x = try Dense(units: 4096, activation: .relu, name: "fc2")(x)
    x = try Dense(units: 1000, activation: .softmax, name: "predictions")(x)
    return try Model(inputs: input, outputs: x, name: "vgg16")
}

/// keras.applications.ResNet50: 25,636,712 parameters, 53,120 non-trainable. `conv3Blocks: 3`
/// leaves out the last identity block of the conv3 stage (conv3_block4).
func resnet50(conv3Blocks: Int = 4) throws -> Model {
    func block(_ x: SymbolicTensor, _ filters: Int, stride: Int = 1, convShortcut: Bool = true, _ name: String) throws -> SymbolicTensor {
        var shortcut = x
        if convShortcut {
            shortcut = try Conv2D(filters: 4 * filters, kernelSize: 1, strides: Size2D(stride), name: name + "_0_conv")(x)
            shortcut = try BatchNormalization(epsilon: 1.001e-5, name: name + "_0_bn")(shortcut)
        }
        var y = try Conv2D(filters: filters, kernelSize: 1, strides: Size2D(stride), name: name + "_1_conv")(x)
        y = try BatchNormalization(epsilon: 1.001e-5, name: name + "_1_bn")(y)
        y = try Activation(.relu, name: name + "_1_relu")(y)
        y = try Conv2D(filters: filters, kernelSize: 3, padding: .same, name: name + "_2_conv")(y)
        y = try BatchNormalization(epsilon: 1.001e-5, name: name + "_2_bn")(y)
        y = try Activation(.relu, name: name + "_2_relu")(y)
        y = try Conv2D(filters: 4 * filters, kernelSize: 1, name: name + "_3_conv")(y)
        y = try BatchNormalization(epsilon: 1.001e-5, name: name + "_3_bn")(y)
        y = try Add(name: name + "_add")([shortcut, y])
        return try Activation(.relu, name: name + "_out")(y)
    }
    func stack(_ x: SymbolicTensor, _ filters: Int, _ blocks: Int, stride: Int = 2, _ name: String) throws -> SymbolicTensor {
        var y = try block(x, filters, stride: stride, name + "_block1")
        for i in 2...blocks { y = try block(y, filters, convShortcut: false, name + "_block\(i)") }
        return y
    }
    let input = try Input(shape: [224, 224, 3])
    var x = try ZeroPadding2D(padding: 3, name: "conv1_pad")(input)
    x = try Conv2D(filters: 64, kernelSize: 7, strides: 2, name: "conv1_conv")(x)
    x = try BatchNormalization(epsilon: 1.001e-5, name: "conv1_bn")(x)
    x = try Activation(.relu, name: "conv1_relu")(x)
    x = try ZeroPadding2D(padding: 1, name: "pool1_pad")(x)
    x = try MaxPooling2D(poolSize: 3, strides: 2, name: "pool1_pool")(x)
    x = try stack(x, 64, 3, stride: 1, "conv2")
    x = try stack(x, 128, conv3Blocks, "conv3")
    x = try stack(x, 256, 6, "conv4")
    x = try stack(x, 512, 3, "conv5")
    x = try GlobalAveragePooling2D(name: "avg_pool")(x)
    x = try Dense(units: 1000, activation: .softmax, name: "predictions")(x)
    return try Model(inputs: input, outputs: x, name: "resnet50")
}

/// keras.applications.MobileNet(alpha=1.0): 4,253,864 parameters, 21,888 non-trainable.
func mobilenet() throws -> Model {
    let input = try Input(shape: [224, 224, 3])
    var x = try Conv2D(filters: 32, kernelSize: 3, strides: 2, padding: .same, useBias: false, name: "conv1")(input)
    x = try BatchNormalization(name: "conv1_bn")(x)
    x = try ReLU(maxValue: 6, name: "conv1_relu")(x)
    let blocks: [(Int, Int)] = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
                                (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1)]
    for (i, (filters, stride)) in blocks.enumerated() {
        let id = i + 1
        if stride != 1 { x = try ZeroPadding2D(top: 0, bottom: 1, left: 0, right: 1, name: "conv_pad_\(id)")(x) }
        x = try DepthwiseConv2D(kernelSize: 3, strides: Size2D(stride), padding: stride == 1 ? .same : .valid,
                                useBias: false, name: "conv_dw_\(id)")(x)
        x = try BatchNormalization(name: "conv_dw_\(id)_bn")(x)
        x = try ReLU(maxValue: 6, name: "conv_dw_\(id)_relu")(x)
        x = try Conv2D(filters: filters, kernelSize: 1, padding: .same, useBias: false, name: "conv_pw_\(id)")(x)
        x = try BatchNormalization(name: "conv_pw_\(id)_bn")(x)
        x = try ReLU(maxValue: 6, name: "conv_pw_\(id)_relu")(x)
    }
    x = try GlobalAveragePooling2D(keepdims: true)(x)
    x = try Dropout(rate: 1e-3, name: "dropout")(x)
    x = try Conv2D(filters: 1000, kernelSize: 1, padding: .same, name: "conv_preds")(x)
    x = try Reshape(targetShape: [1000], name: "reshape_2")(x)
    x = try Activation(.softmax, name: "predictions")(x)
    return try Model(inputs: input, outputs: x, name: "mobilenet_1.00_224")
}

/// The feature network of the siamese MatchNet (docs/design.md): 1,381,872 parameters on 28x28x1.
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

/// The basis convolution of docs/design.md: a kernel W = sum_i a_i b_i of shape (11, 11, 1, 64) with
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
