import PlexusTensor
// Keras applications rebuilt through the public API with Keras's layer names: the parameter-count
// tests check them against Keras's published figures, and plexus-bench times them.

/// Builders of the Keras applications Plexus reproduces layer for layer (weights freshly
/// initialised), so that tests and benchmarks share one definition of each model.
public enum Applications {
    /// keras.applications.VGG16(include_top=True): 138,357,544 parameters.
    public static func vgg16(classifierActivation: ActivationFunction = .softmax) throws -> Model {
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
        x = try Dense(units: 1000, activation: classifierActivation, name: "predictions")(x)
        return try Model(inputs: input, outputs: x, name: "vgg16")
    }

    /// keras.applications.ResNet50: 25,636,712 parameters, 53,120 non-trainable.
    ///
    /// `conv3Blocks: 3` leaves out the last identity block of the conv3 stage (conv3_block4): the
    /// smallest change a structural diff must report exactly.
    public static func resnet50(classifierActivation: ActivationFunction = .softmax, conv3Blocks: Int = 4) throws -> Model {
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
        x = try Dense(units: 1000, activation: classifierActivation, name: "predictions")(x)
        return try Model(inputs: input, outputs: x, name: "resnet50")
    }

    /// keras.applications.MobileNet(alpha=1.0): 4,253,864 parameters, 21,888 non-trainable.
    public static func mobilenet(classifierActivation: ActivationFunction = .softmax) throws -> Model {
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
        x = try Activation(classifierActivation, name: "predictions")(x)
        return try Model(inputs: input, outputs: x, name: "mobilenet_1.00_224")
    }
}
