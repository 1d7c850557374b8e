"""Writes an HDF5 file from a JSON plan on stdin with h5py, the way Keras itself writes attributes:
bytes attributes and name lists as fixed-length byte strings (Keras 2, legacy .h5), str attributes
as variable-length UTF-8 (Keras 3). Used by test/helpers/keras-fixture.ts; needs python3-h5py.

Plan: {"file": path, "groups": [path...], "attrs": [{"path", "name", "kind", "value"}],
       "datasets": [{"path", "shape", "data": base64 float32 little-endian}]}
kind: "str" | "bytes" | "bytes_list" | "str_list"
"""
import base64
import json
import sys

import h5py
import numpy as np

plan = json.load(sys.stdin)
with h5py.File(plan["file"], "w") as f:
    for path in plan["groups"]:
        f.require_group(path)
    for d in plan["datasets"]:
        values = np.frombuffer(base64.b64decode(d["data"]), dtype="<f4").reshape(d["shape"])
        f.create_dataset(d["path"], data=values, dtype="float32")
    for a in plan["attrs"]:
        target = f[a["path"]] if a["path"] not in ("", "/") else f
        kind, value = a["kind"], a["value"]
        if kind == "str":
            target.attrs[a["name"]] = value
        elif kind == "bytes":
            target.attrs[a["name"]] = value.encode("utf8")
        elif kind == "bytes_list":
            # keras.saving.legacy: np.asarray([n.encode('utf8') for n in names]) -> dtype S<max>
            target.attrs[a["name"]] = np.asarray([v.encode("utf8") for v in value])
        elif kind == "str_list":
            target.attrs[a["name"]] = value
        else:
            raise SystemExit("unknown attribute kind " + kind)
