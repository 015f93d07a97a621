// C interface to gemmi (header-only C++, Debian gemmi-dev 0.5.7), so that Swift can read PDB/mmCIF
// models and use gemmi's tables of electron scattering factors.
// Conventions: coordinates in Å as in the file; the first model only; alternative conformations reduced to
// the first one (gemmi::remove_alternative_conformations); chain = author chain id, residue number =
// author sequence number (the same in PDB and mmCIF files).
#ifndef CGEMMI_H
#define CGEMMI_H
#include <stddef.h>
#ifdef __cplusplus
extern "C" {
#endif

/// One atom, fixed-size text fields (NUL-terminated, truncated if longer).
typedef struct {
    double x, y, z;
    /// Isotropic B-factor (Å²) and occupancy.
    double b, occupancy;
    int residue_number;
    /// 1 for H or D.
    int is_hydrogen;
    char element[4];
    char name[8];
    char residue_name[8];
    char insertion_code[2];
    char chain[16];
} cgemmi_atom;

typedef struct cgemmi_model cgemmi_model;

/// Reads a PDB, mmCIF or mmJSON file (optionally gzipped; the format is detected from the content).
/// Returns NULL on failure and writes a one-line message into `error` (at most `error_len` bytes).
cgemmi_model *cgemmi_read(const char *path, char *error, size_t error_len);
/// The same for a file held in memory (not gzipped); `name` stands for the file in messages.
cgemmi_model *cgemmi_read_memory(const char *data, size_t size, const char *name, char *error, size_t error_len);
size_t cgemmi_atom_count(const cgemmi_model *model);
/// Number of models in the file (only the first is returned as atoms).
size_t cgemmi_model_count(const cgemmi_model *model);
const cgemmi_atom *cgemmi_atoms(const cgemmi_model *model);
void cgemmi_free(cgemmi_model *model);

/// Electron scattering factor of an element as 5 Gaussians, f(s) = Σ a_i exp(−b_i s²), s = sinθ/λ (1/Å),
/// b_i in Å² (International Tables Vol. C, table 4.3.2.2, gemmi/c4322.hpp). Returns 0 if the element
/// (upper- or mixed-case symbol) is unknown, 1 on success.
int cgemmi_electron_coefficients(const char *element, double a[5], double b[5]);

/// Version string of the wrapper and of gemmi.
const char *cgemmi_version(void);
#ifdef __cplusplus
}
#endif
#endif
