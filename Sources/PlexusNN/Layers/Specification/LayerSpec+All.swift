import PlexusTensor
extension LayerSpec {
    /// Every layer type described by a spec, in the order the language reference lists their
    /// builtins: the one list the builtins and Keras's class table are made from.
    public static let all: [LayerSpec] = [
        Dense.spec,
        Conv2D.spec, DepthwiseConv2D.spec, SeparableConv2D.spec, Conv2DTranspose.spec,
        MaxPooling2D.spec, AveragePooling2D.spec, GlobalAveragePooling2D.spec, GlobalMaxPooling2D.spec,
        Flatten.spec, Reshape.spec, Permute.spec,
        Dropout.spec,
        BatchNormalization.spec, LayerNormalization.spec,
        ZeroPadding2D.spec, Cropping2D.spec, UpSampling2D.spec,
        Rescaling.spec,
        Concatenate.spec,
    ]
}
