import PlexusTensor
// The arguments many layer types share, declared once.

extension ArgumentSpec {
    /// `activation`: applied to the output, `linear` (none) by default.
    public static let activation = ArgumentSpec("activation", .activation, default: .activation(.linear),
                                                doc: "the activation applied to the output (none: linear)")
    /// `use_bias`: whether the layer adds a bias.
    public static let useBias = ArgumentSpec("use_bias", .bool, default: .bool(true), doc: "whether a bias is added")
    /// `strides` of a convolution: the step of the window.
    public static let strides = ArgumentSpec("strides", .size2D, default: .size2D(1), check: .positive,
                                             doc: "the step of the window along height and width")
    /// `padding`: "valid" (no padding) or "same" (the output keeps the input's size at stride 1).
    public static let padding = ArgumentSpec("padding", .padding, default: .padding(.valid),
                                             doc: "\"valid\" (no padding) or \"same\" (zeros so that stride 1 keeps the size)")
    /// `dilation_rate`: the spacing of the kernel's taps.
    public static let dilationRate = ArgumentSpec("dilation_rate", .size2D, default: .size2D(1), check: .positive,
                                                  doc: "the spacing between the kernel's taps")

    /// An initializer argument of weight `weight`, with Keras's default.
    public static func initializer(_ name: String, _ keras: Initializer, of weight: String) -> ArgumentSpec {
        ArgumentSpec(name, .initializer, default: .initializer(keras), doc: "how fresh values of \(weight) are drawn")
    }
}

/// Keras's arguments every channels-last image layer has and Plexus does not vary.
public let channelsLastArgument = ArgumentSpec.fixed("data_format", .string("channels_last"))

/// Keras's regularizer and constraint arguments of the given weights (and the activity
/// regularizer), which Plexus does not have: accepted only as `None`.
public func unregularizedArguments(_ weights: [String], activity: Bool = true) -> [ArgumentSpec] {
    weights.flatMap { [ArgumentSpec.fixed("\($0)_regularizer", .none), .fixed("\($0)_constraint", .none)] }
        + (activity ? [.fixed("activity_regularizer", .none)] : [])
}
