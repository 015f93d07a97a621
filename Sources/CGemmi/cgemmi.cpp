// C interface to gemmi for Swift: reading models (PDB/mmCIF, gzipped or not) and the electron
// scattering-factor table (International Tables Vol. C, table 4.3.2.2). See include/cgemmi.h.
#include "cgemmi.h"
#include <cstring>
#include <exception>
#include <string>
#include <vector>
#include <gemmi/c4322.hpp>
#include <gemmi/elem.hpp>
#include <gemmi/gz.hpp>
#include <gemmi/mmread.hpp>
#include <gemmi/modify.hpp>
#include <gemmi/version.hpp>

struct cgemmi_model {
    std::vector<cgemmi_atom> atoms;
    size_t model_count = 0;
};

static void copy_text(char *dst, size_t cap, const std::string &src) {
    size_t n = src.size() < cap - 1 ? src.size() : cap - 1;
    std::memcpy(dst, src.data(), n);
    dst[n] = '\0';
}

static cgemmi_model *convert(gemmi::Structure &st);

extern "C" cgemmi_model *cgemmi_read(const char *path, char *error, size_t error_len) {
    try {
        gemmi::Structure st = gemmi::read_structure(gemmi::MaybeGzipped(path), gemmi::CoorFormat::Detect);
        return convert(st);
    } catch (const std::exception &e) {
        if (error && error_len > 0) copy_text(error, error_len, e.what());
        return nullptr;
    }
}

extern "C" cgemmi_model *cgemmi_read_memory(const char *data, size_t size, const char *name, char *error,
                                            size_t error_len) {
    try {
        // gemmi parses mmJSON in place, so it gets a private, NUL-terminated copy.
        std::vector<char> copy(data, data + size);
        copy.push_back('\0');
        gemmi::Structure st = gemmi::read_structure_from_char_array(copy.data(), size, name ? name : "");
        return convert(st);
    } catch (const std::exception &e) {
        if (error && error_len > 0) copy_text(error, error_len, e.what());
        return nullptr;
    }
}

/// First model of a parsed structure → flat atom list (alternative conformations reduced to the first).
static cgemmi_model *convert(gemmi::Structure &st) {
    auto *m = new cgemmi_model;
    m->model_count = st.models.size();
    if (st.models.empty()) return m;
    gemmi::Model &model = st.models[0];
    gemmi::remove_alternative_conformations(model);
    for (const gemmi::Chain &chain : model.chains)
        for (const gemmi::Residue &res : chain.residues)
            for (const gemmi::Atom &atom : res.atoms) {
                cgemmi_atom a{};
                a.x = atom.pos.x; a.y = atom.pos.y; a.z = atom.pos.z;
                a.b = atom.b_iso; a.occupancy = atom.occ;
                a.residue_number = res.seqid.num.has_value() ? res.seqid.num.value : 0;
                a.is_hydrogen = atom.is_hydrogen() ? 1 : 0;
                copy_text(a.element, sizeof a.element, atom.element.uname());
                copy_text(a.name, sizeof a.name, atom.name);
                copy_text(a.residue_name, sizeof a.residue_name, res.name);
                char ic = res.seqid.icode == ' ' ? '\0' : res.seqid.icode;
                a.insertion_code[0] = ic; a.insertion_code[1] = '\0';
                copy_text(a.chain, sizeof a.chain, chain.name);
                m->atoms.push_back(a);
            }
    return m;
}

extern "C" size_t cgemmi_atom_count(const cgemmi_model *m) { return m ? m->atoms.size() : 0; }
extern "C" size_t cgemmi_model_count(const cgemmi_model *m) { return m ? m->model_count : 0; }
extern "C" const cgemmi_atom *cgemmi_atoms(const cgemmi_model *m) { return m ? m->atoms.data() : nullptr; }
extern "C" void cgemmi_free(cgemmi_model *m) { delete m; }

extern "C" int cgemmi_electron_coefficients(const char *element, double a[5], double b[5]) {
    gemmi::Element el(element);
    if (el.elem == gemmi::El::X || !gemmi::C4322<double>::has(el.elem)) return 0;
    const auto &c = gemmi::C4322<double>::get(el.elem);
    for (int i = 0; i < 5; ++i) { a[i] = c.a(i); b[i] = c.b(i); }
    return 1;
}

extern "C" const char *cgemmi_version(void) { return "cgemmi 1 (gemmi " GEMMI_VERSION ")"; }
