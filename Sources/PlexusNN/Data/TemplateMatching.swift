import PlexusTensor
/// A synthetic task for hypernetworks: find a template in a noisy image.
///
/// Each sample has two inputs and a target:
/// - `image` `(size, size, 1)`: uniform noise in [0, 1) with the sample's template pasted over it
///   at a random place (wholly inside the image);
/// - `template` `(templateSize, templateSize, 1)`: uniform values in [0, 1), drawn afresh for every
///   sample (so a network must read the template, not memorise it), or the same for all samples
///   when `fixedTemplate` is true;
/// - target `(size, size, 1)`: 0 everywhere and 1 at one pixel, the template's centre: the
///   position where a "same"-padded convolution of the image with the template as its kernel puts
///   its peak, row `top + (templateSize - 1) / 2`, column `left + (templateSize - 1) / 2` (for an
///   even size, the upper left of the four central pixels).
///
/// With `zeroMean`, every value (noise and template) is drawn from [-0.5, 0.5) instead: the same
/// spread, centred on 0. A matched filter then answers "how much does this patch look like the
/// template" with nothing added by the patch's brightness, and a network finds the template in
/// about a tenth of the steps (with values in [0, 1), every correlation carries a large positive
/// term that has to be learned away first).
///
/// Everything is drawn from `generator`, so a seed gives the same data set.
///
/// - Throws: `TensorError` unless `n >= 0` and `1 <= templateSize <= size`.
public func templateMatching(n: Int, size: Int = 32, templateSize: Int = 5, fixedTemplate: Bool = false,
                             zeroMean: Bool = false, using generator: inout RandomGenerator) throws -> Dataset {
    guard n >= 0 else { throw TensorError("template_matching", "the number of samples must not be negative, got \(n)") }
    guard templateSize >= 1, templateSize <= size else {
        throw TensorError("template_matching", "the template size must be between 1 and the image size \(size), got \(templateSize)")
    }
    try checkShapes([[n, size, size, 1], [n, templateSize, templateSize, 1], [n, size, size, 1]], op: "template_matching")
    var images = try Tensor.zeros([n, size, size, 1])
    var templates = try Tensor.zeros([n, templateSize, templateSize, 1])
    var maps = try Tensor.zeros([n, size, size, 1])
    let t = templateSize
    let imageSize = size &* size
    let templateCount = t &* t
    let placements = size - t + 1
    var interrupted = false
    let offset: Float = zeroMean ? -0.5 : 0
    images.withUnsafeMutableBufferPointer { imageBuffer in
        templates.withUnsafeMutableBufferPointer { templateBuffer in
            maps.withUnsafeMutableBufferPointer { mapBuffer in
                guard let img = imageBuffer.baseAddress, let tpl = templateBuffer.baseAddress,
                      let map = mapBuffer.baseAddress else { return }
                for s in 0..<n {
                    if s & 1023 == 0, Interrupt.isRequested { interrupted = true; return }
                    let image = img + s &* imageSize
                    let template = tpl + s &* templateCount
                    if fixedTemplate && s > 0 {
                        template.update(from: tpl, count: templateCount)
                    } else {
                        for i in 0..<templateCount { template[i] = generator.nextUnitFloat() + offset }
                    }
                    for i in 0..<imageSize { image[i] = generator.nextUnitFloat() + offset }
                    let top = generator.nextInt(below: placements)
                    let left = generator.nextInt(below: placements)
                    for r in 0..<t {
                        let row: Int = (top &+ r) &* size &+ left
                        let source: Int = r &* t
                        (image + row).update(from: template + source, count: t)
                    }
                    let half: Int = (t &- 1) / 2
                    let centre: Int = (top &+ half) &* size &+ left &+ half
                    map[s &* imageSize &+ centre] = 1
                }
            }
        }
    }
    if interrupted { throw NetworkError("template_matching", "was interrupted (Ctrl-C)") }
    return try Dataset(inputs: [(name: "image", tensor: images), (name: "template", tensor: templates)],
                       target: maps)
}
