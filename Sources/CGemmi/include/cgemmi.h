// C interface to gemmi (header-only C++), so that Swift can read PDB/mmCIF models.
#ifndef CGEMMI_H
#define CGEMMI_H
#ifdef __cplusplus
extern "C" {
#endif
/// Version string of the wrapper (placeholder until the model reader lands).
const char *cgemmi_version(void);
#ifdef __cplusplus
}
#endif
#endif
