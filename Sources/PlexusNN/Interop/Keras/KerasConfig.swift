import PlexusTensor
import Foundation

/// A layer's `config` object from a Keras file, read with typed accessors whose errors name the
/// layer, its Keras class and the argument: `conv2d (Conv2D): padding must be "valid" or "same",
/// got "causal"`.
struct KerasConfig {
    /// The layer's name in the file.
    let layerName: String
    /// Keras's class name.
    let className: String
    /// The raw values.
    let values: [String: JSONValue]

    /// An error about this layer's argument `key`.
    func error(_ message: String) -> NetworkError {
        NetworkError("\(layerName) (\(className))", message)
    }

    /// Whether `key` is present with a value other than JSON null.
    func has(_ key: String) -> Bool { values[key].map { !$0.isNull } ?? false }

    func int(_ key: String, default fallback: Int? = nil) throws -> Int {
        guard has(key) else {
            if let fallback { return fallback }
            throw error("has no \(key)")
        }
        guard let n = values[key]?.int else { throw error("\(key) must be an integer, got \(describe(values[key]))") }
        return n
    }

    func optionalInt(_ key: String) throws -> Int? { has(key) ? try int(key) : nil }

    func float(_ key: String, default fallback: Float? = nil) throws -> Float {
        guard has(key) else {
            if let fallback { return fallback }
            throw error("has no \(key)")
        }
        guard let n = values[key]?.number else { throw error("\(key) must be a number, got \(describe(values[key]))") }
        return Float(n)
    }

    func optionalFloat(_ key: String) throws -> Float? { has(key) ? try float(key) : nil }

    func bool(_ key: String, default fallback: Bool) throws -> Bool {
        guard has(key) else { return fallback }
        guard let b = values[key]?.bool else { throw error("\(key) must be true or false, got \(describe(values[key]))") }
        return b
    }

    func string(_ key: String, default fallback: String? = nil) throws -> String {
        guard has(key) else {
            if let fallback { return fallback }
            throw error("has no \(key)")
        }
        guard let s = values[key]?.string else { throw error("\(key) must be a string, got \(describe(values[key]))") }
        return s
    }

    func ints(_ key: String) throws -> [Int] {
        if let n = values[key]?.int { return [n] }
        guard let list = values[key]?.array else { throw error("\(key) must be a list of integers, got \(describe(values[key]))") }
        return try list.map { v in
            guard let n = v.int else { throw error("\(key) must be a list of integers, got \(describe(values[key]))") }
            return n
        }
    }

    /// A size written as one integer or a pair (`kernel_size`, `strides`).
    func size(_ key: String, default fallback: Size2D? = nil) throws -> Size2D {
        guard has(key) else {
            if let fallback { return fallback }
            throw error("has no \(key)")
        }
        let v = try ints(key)
        guard v.count == 1 || v.count == 2 else { throw error("\(key) must be one integer or two, got \(describe(values[key]))") }
        return v.count == 1 ? Size2D(v[0]) : Size2D(v[0], v[1])
    }

    func optionalSize(_ key: String) throws -> Size2D? { has(key) ? try size(key) : nil }

    /// Keras's `padding`: "valid" or "same" (lower or upper case, as Keras accepts).
    func padding(_ key: String = "padding") throws -> Padding {
        switch try string(key, default: "valid").lowercased() {
        case "valid": return .valid
        case "same": return .same
        default: throw error("\(key) must be \"valid\" or \"same\", got \(describe(values[key]))")
        }
    }

    /// An activation by name (`"relu"`), or as Keras serialises a function object.
    func activation(_ key: String = "activation") throws -> ActivationFunction {
        guard has(key) else { return .linear }
        var name = values[key]?.string
        if let object = values[key]?.object {
            name = object["config"]?.string ?? object["class_name"]?.string
        }
        guard let n = name, let f = ActivationFunction(name: n) else {
            throw error("uses activation \(describe(values[key])), which Plexus does not have",
                        hint: "Plexus has " + ActivationFunction.allNames.joined(separator: ", "))
        }
        return f
    }

    /// An initializer, by Keras's serialised object (`{"class_name": "GlorotUniform", ...}`) or
    /// name. Initializers only decide fresh values (an imported layer's weights are loaded), so
    /// one Plexus does not have becomes Keras's default for that argument, not an error.
    func initializer(_ key: String, default fallback: Initializer) throws -> Initializer {
        guard has(key) else { return fallback }
        if let s = values[key]?.string { return Initializer(name: snakeCaseName(s)) ?? Initializer(name: s) ?? fallback }
        guard let object = values[key]?.object, let className = object["class_name"]?.string else { return fallback }
        let config = object["config"]?.object ?? [:]
        func number(_ k: String, _ d: Float) -> Float { config[k]?.number.map(Float.init) ?? d }
        switch className {
        case "Constant": return .constant(number("value", 0))
        case "RandomNormal": return .randomNormal(mean: number("mean", 0), stddev: number("stddev", 0.05))
        case "RandomUniform": return .randomUniform(minval: number("minval", -0.05), maxval: number("maxval", 0.05))
        case "TruncatedNormal": return .truncatedNormal(mean: number("mean", 0), stddev: number("stddev", 0.05))
        case "VarianceScaling":
            let mode = Initializer.FanMode(rawValue: config["mode"]?.string ?? "fan_in") ?? .fanIn
            let dist = Initializer.Distribution(rawValue: config["distribution"]?.string ?? "truncated_normal") ?? .truncatedNormal
            return .varianceScaling(scale: number("scale", 1), mode: mode, distribution: dist)
        default: return Initializer(name: snakeCaseName(className)) ?? fallback
        }
    }

    private func error(_ message: String, hint: String) -> NetworkError {
        NetworkError("\(layerName) (\(className))", message, hint: hint)
    }
}

/// A JSON value as Keras's file shows it, for messages.
func describe(_ value: JSONValue?) -> String { value?.description ?? "null" }
