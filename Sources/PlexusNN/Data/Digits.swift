import PlexusTensor
import Foundation

/// The bundled handwritten digits: 1,797 images of 8x8 pixels, `images` `(N, 8, 8, 1)` scaled to
/// 0...1, target the digit 0...9 as a Float `(N,)`.
///
/// The "Optical Recognition of Handwritten Digits" data set (E. Alpaydin, C. Kaynak; UCI Machine
/// Learning Repository, CC BY 4.0), shipped as `sessions/data/digits.csv`: 64 pixel columns of
/// intensities 0...16 in row-major order and a `label` column. Small enough to train on at a
/// prompt, real enough to show overfitting and siamese pairs.
///
/// The file is looked for, in order, at `sessions/data/digits.csv` under the working directory, in
/// the folder named by the environment variable `PLEXUS_DATA`, and in the source tree Plexus was
/// built from.
///
/// - Parameter path: a digits CSV to read instead of searching for the bundled one.
/// - Throws: `DataError` listing every place looked in when the file is absent, or naming the
///   line and column of a malformed value.
public func digits(path: String? = nil) throws -> Dataset {
    let file = try path ?? locateDataFile("digits.csv",
                                         workingDirectory: FileManager.default.currentDirectoryPath,
                                         environment: ProcessInfo.processInfo.environment,
                                         sourceFile: #filePath)
    let table = try readNumericCSV(file)
    guard table.names.count == 65, let labelColumn = table.names.firstIndex(of: "label") else {
        throw DataError(file: file, line: 1, "expected 64 pixel columns and a 'label' column, found \(table.names.count) columns")
    }
    let n = table.rows
    var images = try Tensor.zeros([n, 8, 8, 1])
    var labels = try Tensor.zeros([n])
    table.values.withUnsafeBufferPointer { src in
        images.withUnsafeMutableBufferPointer { img in
            labels.withUnsafeMutableBufferPointer { lab in
                guard let s = src.baseAddress, let ip = img.baseAddress, let lp = lab.baseAddress else { return }
                var out = 0
                for r in 0..<n {
                    let row = s + r &* 65
                    for c in 0..<65 where c != labelColumn {
                        ip[out] = row[c] * (1 / 16)
                        out &+= 1
                    }
                    lp[r] = row[labelColumn]
                }
            }
        }
    }
    return try Dataset(images, name: "images", target: labels)
}

/// The folder under a project (or working directory) that holds the bundled data files.
let bundledDataFolder = "sessions/data"

/// Finds a bundled data file: under the working directory's `sessions/data`, then in the folder
/// `PLEXUS_DATA` names, then in the source tree's `sessions/data` (found from `sourceFile`, a file
/// three folders below the package root, as `#filePath` of a file in `Sources/PlexusNN/Data`).
///
/// - Throws: `DataError` naming every place looked in and how to point Plexus at the file.
func locateDataFile(_ name: String, workingDirectory: String, environment: [String: String],
                    sourceFile: String) throws -> String {
    var candidates = [(workingDirectory as NSString).appendingPathComponent("\(bundledDataFolder)/\(name)")]
    if let folder = environment["PLEXUS_DATA"], !folder.isEmpty {
        candidates.append((folder as NSString).appendingPathComponent(name))
    }
    var root = sourceFile as NSString
    for _ in 0..<4 { root = root.deletingLastPathComponent as NSString }
    candidates.append(root.appendingPathComponent("\(bundledDataFolder)/\(name)"))

    var isDirectory: ObjCBool = false
    for path in candidates where FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue {
        return path
    }
    throw DataError(file: name, "not found; looked for \(candidates.joined(separator: ", ")). Run Plexus from the project folder, or set PLEXUS_DATA to the folder that holds \(name)")
}
