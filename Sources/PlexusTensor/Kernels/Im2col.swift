// The column matrix of a convolution and its adjoint.
//
// Row r = (n, oh, ow) of the column matrix holds the receptive field of output pixel r for one
// group: for each kernel tap (ki, kj) in HWIO order, the group's `groupIn` input channels at
// (oh * sh - padTop + ki * dh, ow * sw - padLeft + kj * dw), or zeros where that lies in the padding.
// Its column index (ki * kw + kj) * groupIn + c is the row of the HWIO kernel seen as a
// (kh * kw * groupIn, Cout) matrix, so the convolution is one GEMM: columns x kernel.

/// Items of work (floats moved) per thread below which a loop stays on one core.
let convParallelGrain = 32_768

/// Fills `col` (`g.rows x g.patch`, row-major) with group `group`'s receptive fields of `x`.
///
/// Output rows (n, oh) are split across the cores; each writes only its own rows of `col`.
func im2col(_ g: ConvGeometry, group: Int, input x: UnsafePointer<Float>, columns col: UnsafeMutablePointer<Float>) {
    im2col(g, group: group, input: x, columns: col, imageRows: 0..<(g.batch &* g.outHeight))
}

/// The columns of the output image rows `imageRows` (each `(n, oh)` pair is one image row of
/// `outWidth` output pixels), written from the start of `col`: a slice of the column matrix, so
/// that the forward pass can stream the matrix through a cache-sized buffer.
func im2col(_ g: ConvGeometry, group: Int, input x: UnsafePointer<Float>, columns col: UnsafeMutablePointer<Float>,
            imageRows: Range<Int>) {
    let h = g.height, w = g.width, cin = g.inChannels, cg = g.groupIn
    let ho = g.outHeight, wo = g.outWidth, kh = g.kernelHeight, kw = g.kernelWidth
    let sh = g.strideH, sw = g.strideW, dh = g.dilationH, dw = g.dilationW
    let pt = g.padTop, pl = g.padLeft, k = g.patch
    let rowWork = Swift.max(wo &* k, 1)
    let first = imageRows.lowerBound
    // Undilated and ungrouped, the taps of one kernel row read adjacent pixels' whole channel
    // vectors: one copy per kernel row rather than one per tap (7 times fewer for a 7x7 kernel
    // over an RGB image, where each tap's copy is 3 floats).
    let contiguousRows = dw == 1 && cg == cin
    parallelFor(imageRows.count, grain: Swift.max(1, convParallelGrain / rowWork)) { range in
        for i in range {
            let r = first &+ i
            let n = r / ho, oh = r &- n &* ho
            let image = x + (n &* h &* w &* cin &+ group &* cg)
            var dst = col + i &* wo &* k
            for ow in 0..<wo {
                let iw0 = ow &* sw &- pl
                for ki in 0..<kh {
                    let ih = oh &* sh &- pt &+ ki &* dh
                    guard ih >= 0, ih < h else {
                        dst.update(repeating: 0, count: kw &* cg)
                        dst += kw &* cg
                        continue
                    }
                    let src = image + ih &* w &* cin
                    if contiguousRows {
                        // The row's taps inside the image are one stretch of the input row.
                        // (Clamped: a padding wider than the kernel leaves no tap inside, and
                        // `validTaps` then starts past the kernel's end.)
                        let inside = validTaps(start: iw0, dilation: 1, size: w, taps: kw)
                        let lo = Swift.min(inside.lowerBound, kw), hi = Swift.max(lo, Swift.min(inside.upperBound, kw))
                        dst.update(repeating: 0, count: lo &* cg)
                        dst += lo &* cg
                        dst.update(from: src + (iw0 &+ lo) &* cin, count: (hi &- lo) &* cg)
                        dst += (hi &- lo) &* cg
                        dst.update(repeating: 0, count: (kw &- hi) &* cg)
                        dst += (kw &- hi) &* cg
                        continue
                    }
                    for kj in 0..<kw {
                        let iw = iw0 &+ kj &* dw
                        if iw >= 0, iw < w {
                            dst.update(from: src + iw &* cin, count: cg)
                        } else {
                            dst.update(repeating: 0, count: cg)
                        }
                        dst += cg
                    }
                }
            }
        }
    }
}

/// Adds the column-matrix gradient `col` of group `group` back onto the input gradient `dx`:
/// the adjoint of `im2col`, where overlapping windows accumulate.
///
/// Written as a gather over input rows (n, ih): each input pixel sums the column entries that read
/// it, so rows can be split across the cores with no two threads writing one element.
func col2im(_ g: ConvGeometry, group: Int, columns col: UnsafePointer<Float>, addingInto dx: UnsafeMutablePointer<Float>) {
    let h = g.height, w = g.width, cin = g.inChannels, cg = g.groupIn
    let ho = g.outHeight, wo = g.outWidth, kh = g.kernelHeight, kw = g.kernelWidth
    let sh = g.strideH, sw = g.strideW, dh = g.dilationH, dw = g.dilationW
    let pt = g.padTop, pl = g.padLeft, k = g.patch
    let rowWork = Swift.max(w &* kh &* kw &* cg, 1)
    parallelFor(g.batch &* h, grain: Swift.max(1, convParallelGrain / rowWork)) { range in
        for r in range {
            let n = r / h, ih = r &- n &* h
            let dxRow = dx + (r &* w &* cin &+ group &* cg)
            for ki in 0..<kh {
                let th = ih &+ pt &- ki &* dh
                guard th >= 0, th % sh == 0, th / sh < ho else { continue }
                let colRow = col + ((n &* ho &+ th / sh) &* wo &* k &+ ki &* kw &* cg)
                for iw in 0..<w {
                    let d = dxRow + iw &* cin
                    for kj in 0..<kw {
                        let tw = iw &+ pl &- kj &* dw
                        guard tw >= 0, tw % sw == 0, tw / sw < wo else { continue }
                        let s = colRow + ((tw / sw) &* k &+ kj &* cg)
                        for c in 0..<cg { d[c] += s[c] }
                    }
                }
            }
        }
    }
}
