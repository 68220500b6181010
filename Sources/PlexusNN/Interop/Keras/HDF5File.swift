import CHDF5
import PlexusTensor

/// An HDF5 file opened through the HDF5 C library: the little Keras's weight files need (groups,
/// float datasets, string attributes), read or written. No part of the format is parsed here.
///
/// Every failure becomes a `DataError` naming the file and the object; HDF5's own error printing
/// is turned off, so a bad file never writes to the terminal.
final class HDF5File {
    let path: String
    private let id: hid_t
    private var isOpen = true

    /// Opens `path` for reading.
    init(reading path: String) throws {
        plexus_h5_quiet()
        self.path = path
        guard plexus_h5f_is_hdf5(path) != 0 else {
            throw DataError(file: path, "is not an HDF5 file (or cannot be read)")
        }
        let f = H5Fopen(path, plexus_h5f_acc_rdonly(), plexus_h5p_default())
        guard f >= 0 else { throw DataError(file: path, "cannot be opened as an HDF5 file") }
        id = f
    }

    /// Creates (or truncates) `path` for writing.
    init(creating path: String) throws {
        plexus_h5_quiet()
        self.path = path
        let f = H5Fcreate(path, plexus_h5f_acc_trunc(), plexus_h5p_default(), plexus_h5p_default())
        guard f >= 0 else { throw DataError(file: path, "cannot be created as an HDF5 file") }
        id = f
    }

    deinit { close() }

    /// Closes the file (flushing what was written); later calls do nothing.
    func close() {
        if isOpen { H5Fclose(id) }
        isOpen = false
    }

    // MARK: - Reading

    /// Whether an object (group or dataset) exists at `objectPath` (`layers/conv2d/vars/0`).
    func exists(_ objectPath: String) -> Bool {
        var prefix = ""
        for part in objectPath.split(separator: "/") {
            prefix += (prefix.isEmpty ? "" : "/") + part
            guard H5Lexists(id, prefix, plexus_h5p_default()) > 0 else { return false }
        }
        return true
    }

    /// The names of the members of the group at `groupPath` ("/" for the root), in name order.
    func members(_ groupPath: String) throws -> [String] {
        let g = H5Gopen2(id, groupPath, plexus_h5p_default())
        guard g >= 0 else { throw DataError(file: path, "has no group \(groupPath)") }
        defer { H5Gclose(g) }
        var info = H5G_info_t()
        guard H5Gget_info(g, &info) >= 0 else { throw DataError(file: path, "cannot list group \(groupPath)") }
        var names: [String] = []
        for i in 0..<info.nlinks {
            let n = H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, nil, 0, plexus_h5p_default())
            guard n >= 0 else { continue }
            var buffer = [CChar](repeating: 0, count: Int(n) + 1)
            H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, &buffer, Int(n) + 1, plexus_h5p_default())
            names.append(String(decoding: buffer.prefix(Int(n)).map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return names
    }

    /// The dataset at `datasetPath` as a Float32 tensor (HDF5 converts any float or integer type).
    func tensor(_ datasetPath: String) throws -> Tensor {
        let d = H5Dopen2(id, datasetPath, plexus_h5p_default())
        guard d >= 0 else { throw DataError(file: path, "has no dataset \(datasetPath)") }
        defer { H5Dclose(d) }
        let space = H5Dget_space(d)
        defer { H5Sclose(space) }
        let rank = Int(H5Sget_simple_extent_ndims(space))
        guard rank >= 0 else { throw DataError(file: path, "dataset \(datasetPath) has no simple shape") }
        var dims = [hsize_t](repeating: 0, count: rank)
        H5Sget_simple_extent_dims(space, &dims, nil)
        let shape = dims.map { Int($0) }
        var values = [Float](repeating: 0, count: shape.reduce(1, *))
        let status = values.withUnsafeMutableBytes {
            H5Dread(d, plexus_h5t_native_float(), plexus_h5s_all(), plexus_h5s_all(), plexus_h5p_default(), $0.baseAddress)
        }
        guard status >= 0 else { throw DataError(file: path, "dataset \(datasetPath) cannot be read as numbers") }
        return try Tensor(shape: shape, values: values)
    }

    /// The string attribute `name` of the object at `objectPath`: a scalar or an array of strings,
    /// fixed-length (numpy's bytes, as Keras writes `layer_names`) or variable-length (Python
    /// strings, as `model_config`); `nil` when there is no such attribute.
    func stringAttribute(_ name: String, of objectPath: String = "/") throws -> [String]? {
        guard H5Aexists_by_name(id, objectPath, name, plexus_h5p_default()) > 0 else { return nil }
        let a = H5Aopen_by_name(id, objectPath, name, plexus_h5p_default(), plexus_h5p_default())
        guard a >= 0 else { throw DataError(file: path, "attribute \(name) of \(objectPath) cannot be opened") }
        defer { H5Aclose(a) }
        let fileType = H5Aget_type(a)
        defer { H5Tclose(fileType) }
        let space = H5Aget_space(a)
        defer { H5Sclose(space) }
        let count = Int(H5Sget_simple_extent_npoints(space))
        // An empty list is written by h5py as an empty array of numbers.
        if count == 0 { return [] }
        guard H5Tget_class(fileType) == H5T_STRING else {
            throw DataError(file: path, "attribute \(name) of \(objectPath) is not a string")
        }
        let memType = H5Tcopy(plexus_h5t_c_s1())
        defer { H5Tclose(memType) }
        if H5Tis_variable_str(fileType) > 0 {
            H5Tset_size(memType, plexus_h5t_variable())
            H5Tset_cset(memType, H5Tget_cset(fileType))
            var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
            guard H5Aread(a, memType, &pointers) >= 0 else {
                throw DataError(file: path, "attribute \(name) of \(objectPath) cannot be read")
            }
            defer { for p in pointers { H5free_memory(p) } }
            return pointers.map { $0.map { String(cString: $0) } ?? "" }
        }
        let size = H5Tget_size(fileType)
        H5Tset_size(memType, size)
        var bytes = [UInt8](repeating: 0, count: size * count)
        guard H5Aread(a, memType, &bytes) >= 0 else {
            throw DataError(file: path, "attribute \(name) of \(objectPath) cannot be read")
        }
        return (0..<count).map { i in
            let slice = bytes[(i * size)..<((i + 1) * size)]
            return String(decoding: slice.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    // MARK: - Writing

    /// Creates the group at `groupPath` and any missing parents.
    func createGroup(_ groupPath: String) throws {
        var prefix = ""
        for part in groupPath.split(separator: "/") {
            prefix += (prefix.isEmpty ? "" : "/") + part
            if H5Lexists(id, prefix, plexus_h5p_default()) > 0 { continue }
            let g = H5Gcreate2(id, prefix, plexus_h5p_default(), plexus_h5p_default(), plexus_h5p_default())
            guard g >= 0 else { throw DataError(file: path, "cannot create group \(prefix)") }
            H5Gclose(g)
        }
    }

    /// Writes `tensor` as a Float32 dataset at `datasetPath` (its group must exist).
    func write(_ tensor: Tensor, at datasetPath: String) throws {
        var dims = tensor.shape.map { hsize_t($0) }
        let space = H5Screate_simple(Int32(dims.count), &dims, nil)
        guard space >= 0 else { throw DataError(file: path, "cannot describe the shape of \(datasetPath)") }
        defer { H5Sclose(space) }
        let d = H5Dcreate2(id, datasetPath, plexus_h5t_native_float(), space, plexus_h5p_default(), plexus_h5p_default(), plexus_h5p_default())
        guard d >= 0 else { throw DataError(file: path, "cannot create dataset \(datasetPath)") }
        defer { H5Dclose(d) }
        let status = tensor.withUnsafeBufferPointer {
            H5Dwrite(d, plexus_h5t_native_float(), plexus_h5s_all(), plexus_h5s_all(), plexus_h5p_default(), $0.baseAddress)
        }
        guard status >= 0 else { throw DataError(file: path, "cannot write dataset \(datasetPath)") }
    }
}
