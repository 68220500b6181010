// Winograd's minimal filtering F(2x2, 3x3) for the forward pass and the input gradient of 3x3,
// stride-1, undilated, ungrouped convolutions (Lavin and Gray, "Fast Algorithms for Convolutional
// Neural Networks", CVPR 2016): the convolutions of VGG and of every ResNet bottleneck.
//
// Each 2x2 block of output pixels (a tile) comes from the 4x4 block of input under it. With d that
// block and g the 3x3 kernel of one input-output channel pair,
//   Y = A^T [ (G g G^T) ⊙ (B^T d B) ] A
//   B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]   G = [1 0 0; .5 .5 .5; .5 -.5 .5; 0 0 1]
//   A^T = [1 1 1 0; 0 1 -1 -1]
// 16 multiplications where the direct form takes 36. Summed over the input channels, the
// element-wise products at position ξ of the 4x4 block are one GEMM for every tile and output
// channel at once:
//   M_ξ (tiles x Cout) = V_ξ (tiles x Cin) U_ξ (Cin x Cout),   V = B^T d B,  U = G g G^T
// so the work of im2col's GEMM (9 Cin Cout multiply-adds per pixel) drops to 4 per pixel, and the
// transformed input (16 floats per tile and channel, 4 per pixel) is less than half the column
// matrix (9 per pixel). The transforms add and subtract only (G's halves are exact), so the result
// differs from im2col's by rounding alone; Conv2DWinogradTests compares the two.
//
// All three transforms run along the channels, which NHWC and HWIO keep contiguous, eight lanes
// at a time (so both channel counts are multiples of eight). The tiles stream through the scratch some tile rows at a time, like im2col's chunks.

/// Eight floats, the width of the transforms' vectors.
private typealias Lanes = SIMD8<Float>

extension ConvGeometry {
    /// Tiles down and across the output, each a 2x2 block of output pixels (the last row or column
    /// of tiles may hang over the output's edge).
    var winogradTiles: (down: Int, across: Int) { ((outHeight &+ 1) / 2, (outWidth &+ 1) / 2) }

    /// Whether the forward pass runs as F(2x2, 3x3): a 3x3 stride-1 undilated ungrouped kernel whose
    /// channels come in whole vectors of eight (VGG's and ResNet's all do), over enough tiles to pay
    /// for transforming the kernel on every call. A 14x14 map has 49 tiles: transforming a 256- or
    /// 512-channel kernel (9 floats per channel pair read, 16 written) then costs about what the
    /// GEMMs save, and measured no faster on VGG16 and slower on ResNet-50 at batch 1; from 28x28
    /// (196 tiles) on it wins. Two more conditions keep it off where it measured slower (the
    /// siamese MatchNet's 9x9, 7x7 and 5x5 maps at batch 32, ResNet-50's 7x7 maps at batch 8):
    /// outputs under 10 pixels a side, whose half tiles are a fifth or more of the work, and fewer
    /// than 32 channels on either side, where the sixteen GEMMs are too thin to beat one. Measured
    /// in alternating runs, siamese step 42-45 ms -> 40-42 ms, resnet50_train 1.66-1.99 s ->
    /// 1.64-1.78 s; on a 7x7x512 map at batch 8 the input gradient took 28-33 ms through Winograd
    /// against 11-12 ms through im2col.
    var usesWinograd: Bool {
        groups == 1 && kernelHeight == 3 && kernelWidth == 3 && strideH == 1 && strideW == 1
            && dilationH == 1 && dilationW == 1 && inChannels % 8 == 0 && outChannels % 8 == 0
            && batch &* winogradTiles.down &* winogradTiles.across >= 100
            && outHeight >= 10 && outWidth >= 10 && Swift.min(inChannels, outChannels) >= 32
    }

    /// Tile rows (of `winogradTiles.across` tiles, across the whole batch) per chunk: about 1M
    /// floats of transformed input or products, one tile row at the least.
    var winogradChunkTileRows: Int {
        Swift.max(1, (1 << 20) / Swift.max(16 &* winogradTiles.across &* Swift.max(inChannels, outChannels), 1))
    }

    /// Tiles in the largest chunk: what the scratch's transformed input and products are sized for.
    var winogradChunkTiles: Int { Swift.min(batch &* winogradTiles.down, winogradChunkTileRows) &* winogradTiles.across }

    /// Floats of scratch `winogradForward` needs, in its order: the transformed kernel, one chunk of
    /// transformed input and of products, and a row of zeros standing for the padding.
    var winogradScratchCount: Int {
        16 &* inChannels &* outChannels &+ 16 &* winogradChunkTiles &* (inChannels &+ outChannels) &+ inChannels
    }
}

/// The forward pass of `g` (which `usesWinograd`) by F(2x2, 3x3): `y` overwritten, `bias` added
/// when given; `scratch` holds `g.winogradScratchCount` floats.
///
/// `chunkTileRows` is how many tile rows go through the GEMMs at a time (tests pass 1 to cross
/// every chunk boundary); the scratch is sized for the default.
func winogradForward(_ g: ConvGeometry, input x: UnsafePointer<Float>, kernel w: UnsafePointer<Float>,
                     bias: UnsafePointer<Float>?, output y: UnsafeMutablePointer<Float>,
                     scratch: UnsafeMutablePointer<Float>, chunkTileRows: Int? = nil) {
    let cin = g.inChannels, cout = g.outChannels
    let (down, across) = g.winogradTiles
    let u = scratch
    let v = u + 16 &* cin &* cout
    let most = g.winogradChunkTiles / across
    let chunkRows = Swift.min(most, Swift.max(1, chunkTileRows ?? most))
    let m = v + 16 &* g.winogradChunkTiles &* cin
    let zeros = m + 16 &* g.winogradChunkTiles &* cout
    zeros.update(repeating: 0, count: cin)

    winogradKernelTransform(w, into: u, inChannels: cin, outChannels: cout)
    let tileRows = g.batch &* down
    var r0 = 0
    while r0 < tileRows {
        let r1 = Swift.min(tileRows, r0 &+ chunkRows)
        let first = r0 &* across, tiles = (r1 &- r0) &* across
        parallelFor(tiles, grain: Swift.max(1, 4096 / cin)) { range in
            for t in range { winogradInputTransform(g, tile: first &+ t, input: x, zeros: zeros, into: v + t &* cin, stride: tiles &* cin) }
        }
        for xi in 0..<16 {
            sgemm(transA: false, transB: false, m: tiles, n: cout, k: cin, a: v + xi &* tiles &* cin, lda: cin,
                  b: u + xi &* cin &* cout, ldb: cout, beta: 0, c: m + xi &* tiles &* cout, ldc: cout)
        }
        parallelFor(tiles, grain: Swift.max(1, 4096 / cout)) { range in
            for t in range { winogradOutputTransform(g, tile: first &+ t, products: m + t &* cout, stride: tiles &* cout, bias: bias, output: y) }
        }
        r0 = r1
    }
}

/// U = G g G^T for every input-output channel pair: `u[ξ][c][k]` from the HWIO kernel `w[r][s][c][k]`.
private func winogradKernelTransform(_ w: UnsafePointer<Float>, into u: UnsafeMutablePointer<Float>,
                                     inChannels cin: Int, outChannels cout: Int) {
    let plane = cin &* cout
    parallelFor(cin, grain: Swift.max(1, 16_384 / cout)) { channels in
        for c in channels {
            var k = c &* cout
            let end = k &+ cout
            while k < end {
                func g(_ r: Int, _ s: Int) -> Lanes { load(w + ((3 &* r &+ s) &* plane &+ k)) }
                // G g, a column of three taps at a time, then (G g) G^T a row at a time
                let a0 = kernelRows(g(0, 0), g(1, 0), g(2, 0))
                let a1 = kernelRows(g(0, 1), g(1, 1), g(2, 1))
                let a2 = kernelRows(g(0, 2), g(1, 2), g(2, 2))
                storeFour(kernelRows(a0.0, a1.0, a2.0), at: u + k, stride: plane)
                storeFour(kernelRows(a0.1, a1.1, a2.1), at: u + (4 &* plane &+ k), stride: plane)
                storeFour(kernelRows(a0.2, a1.2, a2.2), at: u + (8 &* plane &+ k), stride: plane)
                storeFour(kernelRows(a0.3, a1.3, a2.3), at: u + (12 &* plane &+ k), stride: plane)
                k &+= 8
            }
        }
    }
}

/// V = B^T d B for tile `tile` (numbered across the batch): position ξ of the transform goes to
/// `v + ξ * stride`, one float per input channel. Input outside the image reads `zeros`.
@inline(__always)
private func winogradInputTransform(_ g: ConvGeometry, tile: Int, input x: UnsafePointer<Float>, zeros: UnsafePointer<Float>,
                                    into v: UnsafeMutablePointer<Float>, stride: Int) {
    let (down, across) = g.winogradTiles
    let n = tile / (down &* across), ty = (tile / across) % down, tx = tile % across
    let cin = g.inChannels
    let y0 = 2 &* ty &- g.padTop, x0 = 2 &* tx &- g.padLeft
    withUnsafeTemporaryAllocation(of: UnsafePointer<Float>.self, capacity: 16) { p in
        for i in 0..<4 {
            let iy = y0 &+ i
            for j in 0..<4 {
                let ix = x0 &+ j
                let inside = iy >= 0 && iy < g.height && ix >= 0 && ix < g.width
                p[4 &* i &+ j] = inside ? x + ((n &* g.height &+ iy) &* g.width &+ ix) &* cin : zeros
            }
        }
        var c = 0
        while c < cin {
            func d(_ i: Int, _ j: Int) -> Lanes { load(p[4 &* i &+ j] + c) }
            // B^T d, a column at a time, then (B^T d) B a row at a time
            let t0 = inputRows(d(0, 0), d(1, 0), d(2, 0), d(3, 0))
            let t1 = inputRows(d(0, 1), d(1, 1), d(2, 1), d(3, 1))
            let t2 = inputRows(d(0, 2), d(1, 2), d(2, 2), d(3, 2))
            let t3 = inputRows(d(0, 3), d(1, 3), d(2, 3), d(3, 3))
            storeFour(inputRows(t0.0, t1.0, t2.0, t3.0), at: v + c, stride: stride)
            storeFour(inputRows(t0.1, t1.1, t2.1, t3.1), at: v + (4 &* stride &+ c), stride: stride)
            storeFour(inputRows(t0.2, t1.2, t2.2, t3.2), at: v + (8 &* stride &+ c), stride: stride)
            storeFour(inputRows(t0.3, t1.3, t2.3, t3.3), at: v + (12 &* stride &+ c), stride: stride)
            c &+= 8
        }
    }
}

/// Y = A^T m A (plus the bias) for tile `tile`: position ξ of its products at `m + ξ * stride`, one
/// float per output channel; the pixels of the tile that lie inside the output are written.
@inline(__always)
private func winogradOutputTransform(_ g: ConvGeometry, tile: Int, products m: UnsafePointer<Float>, stride: Int,
                                     bias: UnsafePointer<Float>?, output y: UnsafeMutablePointer<Float>) {
    let (down, across) = g.winogradTiles
    let n = tile / (down &* across), ty = (tile / across) % down, tx = tile % across
    let cout = g.outChannels
    let oy = 2 &* ty, ox = 2 &* tx
    let bottom = oy &+ 1 < g.outHeight, right = ox &+ 1 < g.outWidth
    let out = y + ((n &* g.outHeight &+ oy) &* g.outWidth &+ ox) &* cout
    let below = g.outWidth &* cout
    var k = 0
    while k < cout {
        func p(_ i: Int, _ j: Int) -> Lanes { load(m + ((4 &* i &+ j) &* stride &+ k)) }
        // A^T m, a column at a time, then (A^T m) A a row at a time
        let s0 = outputRows(p(0, 0), p(1, 0), p(2, 0), p(3, 0))
        let s1 = outputRows(p(0, 1), p(1, 1), p(2, 1), p(3, 1))
        let s2 = outputRows(p(0, 2), p(1, 2), p(2, 2), p(3, 2))
        let s3 = outputRows(p(0, 3), p(1, 3), p(2, 3), p(3, 3))
        let b = bias.map { load($0 + k) } ?? Lanes()
        let top = outputRows(s0.0, s1.0, s2.0, s3.0), low = outputRows(s0.1, s1.1, s2.1, s3.1)
        store(top.0 + b, at: out + k)
        if right { store(top.1 + b, at: out + (cout &+ k)) }
        if bottom {
            store(low.0 + b, at: out + (below &+ k))
            if right { store(low.1 + b, at: out + (below &+ cout &+ k)) }
        }
        k &+= 8
    }
}

/// G applied to three taps along one axis: four values.
@inline(__always)
private func kernelRows(_ g0: Lanes, _ g1: Lanes, _ g2: Lanes) -> (Lanes, Lanes, Lanes, Lanes) {
    (g0, 0.5 * (g0 + g1 + g2), 0.5 * (g0 - g1 + g2), g2)
}

/// B^T applied to four inputs along one axis.
@inline(__always)
private func inputRows(_ d0: Lanes, _ d1: Lanes, _ d2: Lanes, _ d3: Lanes) -> (Lanes, Lanes, Lanes, Lanes) {
    (d0 - d2, d1 + d2, d2 - d1, d1 - d3)
}

/// A^T applied to four products along one axis: two outputs.
@inline(__always)
private func outputRows(_ m0: Lanes, _ m1: Lanes, _ m2: Lanes, _ m3: Lanes) -> (Lanes, Lanes) {
    (m0 + m1 + m2, m1 - m2 - m3)
}

@inline(__always)
private func load(_ p: UnsafePointer<Float>) -> Lanes { UnsafeRawPointer(p).loadUnaligned(as: Lanes.self) }

@inline(__always)
private func store(_ lanes: Lanes, at p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: lanes, as: Lanes.self)
}

@inline(__always)
private func storeFour(_ lanes: (Lanes, Lanes, Lanes, Lanes), at p: UnsafeMutablePointer<Float>, stride: Int) {
    store(lanes.0, at: p)
    store(lanes.1, at: p + stride)
    store(lanes.2, at: p + 2 &* stride)
    store(lanes.3, at: p + 3 &* stride)
}


// The input gradient of a 3x3 stride-1 convolution is itself one: dy convolved with the kernel
// turned half a circle and its channel axes swapped, padded by 2 - p where the forward pass was
// padded by p (a "same" convolution's gradient is "same", a "valid" one's pads 2 on each side).
// So training's input gradient runs through F(2x2, 3x3) too.

extension ConvGeometry {
    /// The forward convolution that computes this one's input gradient, when it runs as F(2x2, 3x3):
    /// input `(N, Ho, Wo, Cout)`, kernel `(3, 3, Cout, Cin)`, output `(N, H, W, Cin)`.
    var winogradInputGradientGeometry: ConvGeometry? {
        guard groups == 1, kernelHeight == 3, kernelWidth == 3, strideH == 1, strideW == 1, dilationH == 1, dilationW == 1,
              Swift.max(padTop, padBottom, padLeft, padRight) <= 2 else { return nil }
        let padding = Padding.explicit(top: 2 &- padTop, bottom: 2 &- padBottom, left: 2 &- padLeft, right: 2 &- padRight)
        guard let t = try? ConvGeometry(op: "conv2d", input: outputShape, kernel: [3, 3, outChannels, inChannels],
                                        strides: (1, 1), padding: padding, dilation: (1, 1), groups: 1),
              t.outputShape == inputShape, t.usesWinograd else { return nil }
        return t
    }
}

/// The input gradient `dx` (overwritten) of `g` from `dy`, through `t`, its
/// `winogradInputGradientGeometry`. Allocates its own scratch (from the running plan's pool).
func winogradInputGradient(_ g: ConvGeometry, through t: ConvGeometry, outputGradient dy: UnsafePointer<Float>,
                           kernel w: UnsafePointer<Float>, inputGradient dx: UnsafeMutablePointer<Float>) {
    let cin = g.inChannels, cout = g.outChannels, taps = cin &* cout
    withScratch(9 &* taps &+ t.winogradScratchCount) { scratch in
        // turned[r][s][k][c] = w[2 - r][2 - s][c][k]
        let turned = scratch
        // Transposed in 16 x 16 blocks: element by element, each write lands `cin` floats after
        // the last, a cache line apiece.
        let block = 16
        parallelFor(9, grain: 1) { range in
            for tap in range {
                let from = w + (8 &- tap) &* taps, to = turned + tap &* taps
                var c0 = 0
                while c0 < cin {
                    let c1 = Swift.min(c0 &+ block, cin)
                    var k0 = 0
                    while k0 < cout {
                        let k1 = Swift.min(k0 &+ block, cout)
                        for c in c0..<c1 {
                            let row = from + c &* cout
                            for k in k0..<k1 { to[k &* cin &+ c] = row[k] }
                        }
                        k0 = k1
                    }
                    c0 = c1
                }
            }
        }
        winogradForward(t, input: dy, kernel: turned, bias: nil, output: dx, scratch: scratch + 9 &* taps)
    }
}
