#include <hdf5.h>

// HDF5's predefined types and property lists are macros over global variables, which Swift
// cannot import: these functions hand them over.
static inline hid_t plexus_h5t_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t plexus_h5t_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t plexus_h5t_c_s1(void) { return H5T_C_S1; }
static inline hid_t plexus_h5p_default(void) { return H5P_DEFAULT; }
static inline hid_t plexus_h5s_all(void) { return H5S_ALL; }
static inline hid_t plexus_h5p_link_create(void) { return H5P_LINK_CREATE; }
static inline hid_t plexus_h5p_file_access(void) { return H5P_FILE_ACCESS; }
static inline hid_t plexus_h5p_group_create(void) { return H5P_GROUP_CREATE; }
static inline hid_t plexus_h5e_default(void) { return H5E_DEFAULT; }
static inline void plexus_h5_quiet(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }
static inline unsigned plexus_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline unsigned plexus_h5f_acc_trunc(void) { return H5F_ACC_TRUNC; }
static inline size_t plexus_h5t_variable(void) { return H5T_VARIABLE; }
static inline int plexus_h5f_is_hdf5(const char *path) { return H5Fis_hdf5(path) > 0; }
