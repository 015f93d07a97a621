#!/usr/bin/env python3
"""Test oracle: writes an mmCIF version of a PDB file, independently of gemmi.

Usage: levelA_write_mmcif.py IN.pdb OUT.cif
The _atom_site loop uses a shuffled column order, quoted atom names, author and label ids that differ
(label_asym_id 'X'), and a second model (all atoms moved by +50 Å) that readers must ignore.
Coordinates and B/occupancy are copied as text, so the model is numerically identical to the PDB file.
"""
import sys

def parse_pdb(path):
    atoms = []
    for line in open(path):
        if line.startswith(("ATOM", "HETATM")):
            atoms.append(dict(
                group=line[0:6].strip(), serial=line[6:11].strip(), name=line[12:16].strip(),
                altloc=line[16].strip() or ".", resname=line[17:20].strip(), chain=line[21].strip(),
                resseq=line[22:26].strip(), icode=line[26].strip() or "?",
                x=line[30:38].strip(), y=line[38:46].strip(), z=line[46:54].strip(),
                occ=line[54:60].strip(), b=line[60:66].strip(), element=line[76:78].strip()))
    return atoms

COLUMNS = ["type_symbol", "Cartn_z", "label_atom_id", "auth_seq_id", "pdbx_PDB_model_num", "id",
           "B_iso_or_equiv", "auth_asym_id", "label_comp_id", "Cartn_x", "group_PDB", "label_asym_id",
           "occupancy", "auth_atom_id", "label_alt_id", "Cartn_y", "auth_comp_id", "pdbx_PDB_ins_code",
           "label_seq_id"]

def row(a, model, shift):
    q = lambda s: "'" + s + "'" if ("'" not in s) else '"' + s + '"'
    v = dict(type_symbol=a["element"], Cartn_x="%.3f" % (float(a["x"]) + shift),
             Cartn_y="%.3f" % (float(a["y"]) + shift), Cartn_z="%.3f" % (float(a["z"]) + shift),
             label_atom_id=q(a["name"]), auth_atom_id=q(a["name"]), auth_seq_id=a["resseq"],
             pdbx_PDB_model_num=str(model), id=a["serial"], B_iso_or_equiv=a["b"], auth_asym_id=a["chain"],
             label_comp_id=a["resname"], auth_comp_id=a["resname"], group_PDB=a["group"], label_asym_id="X",
             occupancy=a["occ"], label_alt_id=a["altloc"], pdbx_PDB_ins_code=a["icode"], label_seq_id=".")
    return " ".join(v[c] for c in COLUMNS)

def main():
    atoms = parse_pdb(sys.argv[1])
    with open(sys.argv[2], "w") as f:
        f.write("data_test\n#\n_entry.id test\n#\nloop_\n")
        for c in COLUMNS:
            f.write("_atom_site.%s\n" % c)
        for a in atoms:
            f.write(row(a, 1, 0.0) + "\n")
        for a in atoms[:50]:
            f.write(row(a, 2, 50.0) + "\n")
        f.write("#\n")

if __name__ == "__main__":
    main()
