import PlexusTensor
import PlexusNN
import XCTest

// Helpers for the execution tests: seeded values, closeness of tensors, setting weights by name.

/// A tensor of uniform values in [low, high) from a generator seeded with `seed`.
func seededTensor(_ shape: [Int], seed: UInt64, low: Float = -1, high: Float = 1) throws -> Tensor {
    var g = RandomGenerator(seed: seed)
    return try Tensor.uniform(shape, low: low, high: high, using: &g)
}

/// Asserts equal shapes and every element within `tolerance` (absolute, plus relative to the
/// larger magnitude).
func assertAllClose(_ a: Tensor, _ b: Tensor, tolerance: Float = 1e-5, _ message: String = "",
                    file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.shape, b.shape, "shapes \(message)", file: file, line: line)
    guard a.shape == b.shape else { return }
    let x = a.scalars, y = b.scalars
    var worst: (Int, Float) = (0, 0)
    for i in x.indices {
        let d = abs(x[i] - y[i]) / (1 + max(abs(x[i]), abs(y[i])))
        if !(d <= worst.1) { worst = (i, d) }
    }
    XCTAssertLessThanOrEqual(worst.1, tolerance, "element \(worst.0): \(x[worst.0]) vs \(y[worst.0]) \(message)", file: file, line: line)
}

/// Asserts that a plan's training pass and the same layers called one by one give the same
/// gradients, with respect to the input `x` and to `weights`, of the output projected on a fixed
/// random tensor (so every output element counts, each with its own weight), and that none of
/// those gradients is all zero (a check that would pass on nothing).
func assertSameGradients(_ x: Tensor, weights: [Variable], tolerance: Float = 1e-5, _ message: String = "",
                         planned: (Variable) throws -> Variable, byLayer: (Variable) throws -> Variable,
                         file: StaticString = #filePath, line: UInt = #line) throws {
    func gradientsOf(_ run: (Variable) throws -> Variable) throws -> [Tensor] {
        let xv = Variable(x, requiresGrad: true)
        let y = try run(xv)
        let r = Variable(try seededTensor(y.shape, seed: 9))
        return try gradients(of: (y * r).sum(), withRespectTo: [xv] + weights)
    }
    for (i, (a, b)) in zip(try gradientsOf(planned), try gradientsOf(byLayer)).enumerated() {
        XCTAssertEqual(a.shape, b.shape, "\(message) gradient \(i)", file: file, line: line)
        let worst = zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? .nan
        XCTAssertLessThanOrEqual(worst, tolerance, "\(message) gradient \(i)", file: file, line: line)
        XCTAssertGreaterThan(a.scalars.map(abs).max() ?? 0, 0, "\(message) gradient \(i) is not all zero", file: file, line: line)
    }
}

/// Assigns `value` to the weight of `layer` called `name`.
func setWeight(_ layer: Layer, _ name: String, _ value: Tensor) throws {
    guard let w = layer.weights.first(where: { $0.name == name }) else {
        throw NetworkError(layer.name, "test: no weight \(name)")
    }
    try w.assign(value)
}

/// Runs `model` on `inputs` and returns the output values.
func outputs(_ model: Model, _ inputs: [Tensor], training: Bool = false, seed: UInt64 = 1) throws -> [Tensor] {
    try model.plan().run(inputs: inputs, context: ForwardContext(training: training, seed: seed)).map(\.value)
}

/// Runs a one-input, one-output model on `input` and returns the output value.
func output(_ model: Model, _ input: Tensor, training: Bool = false, seed: UInt64 = 1) throws -> Tensor {
    try outputs(model, [input], training: training, seed: seed)[0]
}

/// A one-layer model around `layer` applied to an input of `shape` (batch dimension left out).
func wrap(_ layer: Layer, _ shape: [Int?]) throws -> Model {
    let x = try Input(shape: shape)
    return try Model(inputs: x, outputs: layer(x))
}

/// The error's description, or "no error".
func errorMessage(_ body: () throws -> Any) -> String {
    do { _ = try body(); return "no error" } catch { return "\(error)" }
}
