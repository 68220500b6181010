import PlexusTensor

/// How a layer moves pixels, declared by the layer itself so that what reads geometry (the
/// receptive field, `receptive_field(m)`) needs no case per layer type: a layer that moves pixels
/// says so in its own file, and every other layer (dense, activations, merges, normalisation) keeps
/// the default, `nil`, which passes the field through.
public enum PixelGeometry: Sendable, Equatable {
    /// A window over the image (convolutions, pooling): each output pixel sees `kernel` input pixels
    /// `dilation` apart, and neighbouring outputs are `strides` apart; `padding` places the first.
    case window(kernel: Size2D, strides: Size2D, dilation: Size2D, padding: Padding)
    /// The borders move: `top` rows and `left` columns are added before the image (zero padding),
    /// or removed when negative (cropping).
    case shift(top: Int, left: Int)
    /// Each input pixel becomes `factor` output pixels, and a kernel of `grow` pixels reaches
    /// further (a transposed convolution's; 1 for plain upsampling).
    case upsample(factor: Size2D, grow: Size2D)
}
