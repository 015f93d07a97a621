#!/usr/bin/env python3
"""Seed corpora for `make fuzz`, cut from the fixtures (Fixtures/README.md).

Usage: scripts/fuzz-seeds.py OUTDIR   → OUTDIR/{maps,models}/ (maps feed FuzzMRC and FuzzMapFile).
Maps: small crops (≤ 6×5×4 voxels) of EMD-3197 and the DAQ crop, each in every mode the reader takes
(int8, int16, float32, uint16, float16), both byte orders, permuted axes, an extended header, and gzip
and bzip2 versions, so that every branch of the reader starts from a valid file. Models: the first
residues of Fixtures/daq/3J6B_9.pdb as PDB, mmCIF and mmJSON text.
"""
import bz2, gzip, io, json, os, sys
import numpy as np
import mrcfile

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
out = sys.argv[1]
maps, models = os.path.join(out, "maps"), os.path.join(out, "models")
os.makedirs(maps, exist_ok=True); os.makedirs(models, exist_ok=True)

def mrc_bytes(data, voxel, mode_dtype, swap=False, ext=b"", axes=None):
    with mrcfile.new(os.path.join(out, "tmp.mrc"), overwrite=True) as m:
        m.set_data(data.astype(mode_dtype))
        m.voxel_size = voxel
        if ext:
            m.set_extended_header(np.frombuffer(ext, dtype="V1"))
        if axes:
            m.header.mapc, m.header.mapr, m.header.maps = axes
        m.update_header_stats()
    raw = open(os.path.join(out, "tmp.mrc"), "rb").read()
    os.remove(os.path.join(out, "tmp.mrc"))
    if swap:   # rewrite the file big-endian: every 4-byte header word except the text, then the data
        h = bytearray(raw[:1024])
        for w in list(range(0, 52)) + [54, 55]:   # not MAP (52), MACHST (53) or the labels
            h[4*w:4*w+4] = h[4*w:4*w+4][::-1]
        h[212:216] = b"\x11\x11\x00\x00"   # MACHST big-endian
        body = data.astype(np.dtype(mode_dtype).newbyteorder(">")).tobytes()
        raw = bytes(h) + raw[1024:1024+len(ext)] + body
    return raw

sources = {
    "emd3197": mrcfile.read(os.path.join(root, "Fixtures/mrcfile/EMD-3197.map")),
    "daq": mrcfile.read(os.path.join(root, "Fixtures/daq/2566_3J6B_9.mrc")),
}
n = 0
for name, full in sources.items():
    z, y, x = (s // 2 for s in full.shape)
    crop = np.ascontiguousarray(full[z:z+4, y:y+5, x:x+6]).astype(np.float32)
    scaled = (crop - crop.min()) / max(float(np.ptp(crop)), 1e-6)
    for dt, data in [(np.float32, crop), (np.int8, scaled * 100 - 50), (np.int16, scaled * 2000 - 1000),
                     (np.uint16, scaled * 4000), (np.float16, crop)]:
        for swap in (False, True):
            b = mrc_bytes(data, (1.5, 1.5, 1.5), dt, swap=swap)
            open(os.path.join(maps, f"{name}-{np.dtype(dt).name}{'-be' if swap else ''}.mrc"), "wb").write(b)
            n += 1
    b = mrc_bytes(crop, (1.2, 1.3, 1.4), np.float32, ext=bytes(range(80)))
    open(os.path.join(maps, f"{name}-exthdr.mrc"), "wb").write(b)
    b = mrc_bytes(crop, (1.0, 1.0, 1.0), np.float32, axes=(2, 1, 3))
    open(os.path.join(maps, f"{name}-axes213.mrc"), "wb").write(b)
    plain = mrc_bytes(crop, (1.5, 1.5, 1.5), np.float32)
    open(os.path.join(maps, f"{name}.mrc.gz"), "wb").write(gzip.compress(plain, mtime=0))
    open(os.path.join(maps, f"{name}.mrc.bz2"), "wb").write(bz2.compress(plain))
    n += 4

pdb = open(os.path.join(root, "Fixtures/daq/3J6B_9.pdb")).read().splitlines()
atoms = [l for l in pdb if l.startswith(("ATOM", "HETATM"))][:24]
open(os.path.join(models, "head.pdb"), "w").write("\n".join(atoms + ["TER", "END"]) + "\n")
alt = [a[:16] + "A" + a[17:] for a in atoms[:4]] + [a[:16] + "B" + a[17:] for a in atoms[:4]]
open(os.path.join(models, "altloc-models.pdb"), "w").write(
    "\n".join(["CRYST1  100.000  100.000  100.000  90.00  90.00  90.00 P 1           1", "MODEL        1"]
              + alt + ["ENDMDL", "MODEL        2"] + atoms[:3] + ["ENDMDL", "END"]) + "\n")
rows, js = [], {k: [] for k in ["group_PDB", "id", "type_symbol", "label_atom_id", "label_comp_id",
                                 "label_asym_id", "label_seq_id", "Cartn_x", "Cartn_y", "Cartn_z",
                                 "occupancy", "B_iso_or_equiv", "auth_seq_id", "auth_asym_id",
                                 "pdbx_PDB_model_num"]}
for i, a in enumerate(atoms):
    vals = [a[:6].strip(), str(i + 1), a[76:78].strip(), a[12:16].strip(), a[17:20].strip(), a[21].strip() or "A",
            a[22:26].strip(), a[30:38].strip(), a[38:46].strip(), a[46:54].strip(), a[54:60].strip(),
            a[60:66].strip(), a[22:26].strip(), a[21].strip() or "A", "1"]
    rows.append(" ".join(vals))
    for k, v in zip(js, vals):
        js[k].append(v)
cif = ["data_seed", "#", "loop_"] + [f"_atom_site.{k}" for k in js] + rows + ["#"]
open(os.path.join(models, "head.cif"), "w").write("\n".join(cif) + "\n")
open(os.path.join(models, "head.json"), "w").write(json.dumps({"data_seed": {"atom_site": js}}))
print(f"{n} map seeds in {maps}, 4 model seeds in {models}")
