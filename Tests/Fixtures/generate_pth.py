"""PyTorch checkpoints (`torch.save`) for the `.pth` reader's tests, and the values PyTorch reads.

Writes into ``pth/`` next to this script:

* ``dtypes_zip.pth`` / ``dtypes_legacy.pth``: one state dict of every real dtype (float32,
  float64, float16, bfloat16, int64, int32, int16, int8, uint8, bool), a 0-d and an empty
  tensor, in the zip format and the legacy format (``_use_new_zipfile_serialization=False``).
* ``views_zip.pth`` / ``views_legacy.pth``: tensors sharing one storage at different offsets
  (``a``, ``b``), a tensor saved twice under two keys (``a``, ``tied``), a transposed tensor
  (``t``) and a strided slice (``s``).
* ``dtypes_bigendian.pth``: ``dtypes_zip.pth`` rewritten with ``byteorder`` "big" and every
  storage byte-swapped, as a big-endian machine writes it.
* ``wrapped_state_dict.pth``: ``{"epoch": 3, "state_dict": sd, "optimizer": SGD state}``;
  ``wrapped_model.pth``: ``{"model": sd, "args": [1, 2]}``; ``dataparallel.pth``:
  ``nn.DataParallel(net).state_dict()`` (every key prefixed ``module.``); ``nested.pth``:
  ``{"encoder": {...}, "decoder": {...}}``; ``sequential.pth``: the state dict of
  ``nn.Sequential(nn.Linear(3, 2), nn.ReLU(), nn.Linear(2, 1))``.
* ``whole_model.pth``: ``torch.save(model)`` of that Sequential; ``whole_model_main.pth``: of a
  class defined in ``__main__``.
* ``single_tensor.pth``: ``torch.save(tensor)``, not a dict; ``torchscript.pt``: ``torch.jit.save``.
* ``deflated.pth``: ``sequential.pth`` re-zipped with deflate compression.
* Hostile files, each of which runs a command that creates a marker file
  ``/tmp/ember-pth-marker-NAME`` when given to ``pickle.load`` or
  ``torch.load(weights_only=False)``: ``evil_os_system.pth`` (``torch.save`` of an object
  whose ``__reduce__`` is ``os.system``, next to a real tensor), ``evil_eval.pkl``
  (``builtins.eval``, protocol 4, STACK_GLOBAL), ``evil_popen_legacy.pth`` (the legacy
  format's pickles with ``subprocess.Popen`` as the main object), ``evil_in_zip.pth``
  (a zip checkpoint whose ``data.pkl`` calls ``posix.system`` before any storage).
* ``../../Fuzz/corpus/FuzzPth/packed_views``: a seed for the archive FuzzPth packs itself.
* ``expected.safetensors``: what ``torch.load`` returns for the good files, converted the
  way Ember converts (floats to float32, uint8 and bool kept, other integers to int64),
  keyed ``FILE_STEM.KEY``.

Run by hand from the repository root: ``/work/venv/bin/python Tests/Fixtures/generate_pth.py``.
Deterministic (``torch.manual_seed(0)``); the marker files are never created by this script.
"""

import copy
import io
import os
import pickle
import subprocess
import sys
import zipfile

import torch
import torch.nn as nn

from fixture_file import write_fixture

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "pth")
MARKER = "/tmp/ember-pth-marker-"
ELEMENT_SIZE = {"FloatStorage": 4, "DoubleStorage": 8, "HalfStorage": 2, "BFloat16Storage": 2,
                "LongStorage": 8, "IntStorage": 4, "ShortStorage": 2, "CharStorage": 1,
                "ByteStorage": 1, "BoolStorage": 1}


def out(name):
    return os.path.join(OUT, name)


def save(obj, name, legacy=False):
    torch.save(obj, out(name), _use_new_zipfile_serialization=not legacy)


def dtypes_state_dict():
    sd = {}
    base = torch.randn(2, 3)
    for dtype in [torch.float32, torch.float64, torch.float16, torch.bfloat16]:
        sd[str(dtype).split(".")[1]] = (base * 100).to(dtype)
    for dtype in [torch.int64, torch.int32, torch.int16, torch.int8]:
        sd[str(dtype).split(".")[1]] = torch.tensor([[-5, 0, 7], [100, -100, 3]], dtype=dtype)
    sd["int64_big"] = torch.tensor([2**40 + 3, -(2**50)], dtype=torch.int64)
    sd["uint8"] = torch.tensor([0, 1, 200, 255], dtype=torch.uint8)
    sd["bool"] = torch.tensor([[True, False], [False, True]])
    sd["scalar"] = torch.tensor(2.5)
    sd["empty"] = torch.zeros(0, 4)
    return sd


def views_state_dict():
    base = torch.arange(12, dtype=torch.float32)
    a = base[2:6]
    return {"a": a, "b": base[4:10].view(2, 3), "tied": a,
            "t": torch.arange(6, dtype=torch.float32).view(2, 3).t(),
            "s": torch.arange(20, dtype=torch.int64).view(4, 5)[::2, 1::2]}


def sequential():
    torch.manual_seed(1)
    return nn.Sequential(nn.Linear(3, 2), nn.ReLU(), nn.Linear(2, 1))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 2)


class Evil:
    """Pickles as a call of `func(*args)`; only ever pickled here, never unpickled."""

    def __init__(self, func, *args):
        self.func, self.args = func, args

    def __reduce__(self):
        return (self.func, self.args)


class StorageTypes(pickle.Unpickler):
    """Reads a data.pkl's persistent ids without calling anything: every global is a stub."""

    def __init__(self, f):
        super().__init__(f)
        self.types = {}

    def find_class(self, module, name):
        return name if name.endswith("Storage") else (lambda *args: None)

    def persistent_load(self, pid):
        self.types[pid[2]] = pid[1]
        return None


def big_endian_copy(source, name):
    """Rewrites a zip checkpoint as a big-endian machine saves it."""
    with zipfile.ZipFile(source) as zin:
        names = zin.namelist()
        folder = names[0].split("/")[0]
        reader = StorageTypes(io.BytesIO(zin.read(f"{folder}/data.pkl")))
        reader.load()
        with zipfile.ZipFile(out(name), "w", zipfile.ZIP_STORED) as zout:
            for entry in names:
                data = zin.read(entry)
                parts = entry.split("/")
                if entry == f"{folder}/byteorder":
                    data = b"big"
                elif len(parts) == 3 and parts[1] == "data":
                    size = ELEMENT_SIZE[reader.types[parts[2]]]
                    data = b"".join(data[i:i + size][::-1] for i in range(0, len(data), size))
                write_entry(zout, entry, data)


def write_entry(z, name, data, compression=zipfile.ZIP_STORED):
    """One zip entry with a fixed date, so that the files do not change from run to run."""
    z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data, compress_type=compression)


def rezip_deflated(source, name):
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(out(name), "w", zipfile.ZIP_DEFLATED) as zout:
        for entry in zin.namelist():
            write_entry(zout, entry, zin.read(entry), zipfile.ZIP_DEFLATED)


def hostile():
    # torch.save of an object whose reduction is os.system (posix.system), beside a tensor.
    save({"weight": torch.ones(2), "payload": Evil(os.system, f"touch {MARKER}os_system")}, "evil_os_system.pth")
    # A bare protocol-4 pickle: STACK_GLOBAL builtins.eval.
    with open(out("evil_eval.pkl"), "wb") as f:
        pickle.dump(Evil(eval, f"open('{MARKER}eval', 'w')"), f, protocol=4)
    # The legacy layout (magic, version, sys_info, then the object) with subprocess.Popen.
    with open(out("evil_popen_legacy.pth"), "wb") as f:
        for header in [0x1950A86A20F9469CFC6C, 1001, {"protocol_version": 1001, "little_endian": True}]:
            pickle.dump(header, f, protocol=2)
        # fix_imports=False: else protocol 2 spells the module Python 2's way, `commands`.
        pickle.dump(Evil(subprocess.Popen, ["touch", f"{MARKER}popen"]), f, protocol=2, fix_imports=False)
        pickle.dump([], f, protocol=2)
    # A zip checkpoint whose data.pkl is nothing but a call of posix.system.
    with zipfile.ZipFile(out("evil_in_zip.pth"), "w", zipfile.ZIP_STORED) as z:
        write_entry(z, "archive/data.pkl", pickle.dumps(Evil(os.system, f"touch {MARKER}in_zip"), protocol=2))
        write_entry(z, "archive/byteorder", "little")
        write_entry(z, "archive/version", "3\n")


def packed_fuzz_seed():
    """A FuzzPth seed for the archive the target packs itself: one split byte, then a data.pkl
    whose tensors all view storage 0, then that storage's bytes (see Fuzz/FuzzPth)."""
    base = torch.arange(12, dtype=torch.float32)
    buffer = io.BytesIO()
    torch.save({"a": base[2:6], "b": base[4:10].view(2, 3), "t": base.view(3, 4).t()}, buffer)
    with zipfile.ZipFile(buffer) as z:
        folder = z.namelist()[0].split("/")[0]
        pkl, storage = z.read(f"{folder}/data.pkl"), z.read(f"{folder}/data/0")
    total = len(pkl) + len(storage)
    first = next(b for b in range(256) if b * total // 255 == len(pkl))
    path = os.path.join(HERE, "..", "..", "Fuzz", "corpus", "FuzzPth", "packed_views")
    with open(path, "wb") as f:
        f.write(bytes([first]) + pkl + storage)


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    expected = {}

    def expect(stem, sd):
        for key, t in sd.items():
            t = t.detach()
            if t.dtype not in (torch.bool, torch.uint8):
                t = t.float() if t.is_floating_point() else t.long()
            expected[f"{stem}.{key}"] = t.contiguous().clone()

    dtypes = dtypes_state_dict()
    save(dtypes, "dtypes_zip.pth")
    save(dtypes, "dtypes_legacy.pth", legacy=True)
    big_endian_copy(out("dtypes_zip.pth"), "dtypes_bigendian.pth")
    expect("dtypes", torch.load(out("dtypes_zip.pth")))
    swapped = torch.load(out("dtypes_bigendian.pth"))  # torch.load swaps a "big" file's bytes back
    assert all(torch.equal(v, swapped[k]) for k, v in dtypes.items())

    views = views_state_dict()
    save(views, "views_zip.pth")
    save(views, "views_legacy.pth", legacy=True)
    loaded = torch.load(out("views_zip.pth"))
    assert loaded["a"].untyped_storage().data_ptr() == loaded["b"].untyped_storage().data_ptr()
    expect("views", loaded)

    net = sequential()
    sd = net.state_dict()
    save(sd, "sequential.pth")
    expect("sequential", torch.load(out("sequential.pth")))
    rezip_deflated(out("sequential.pth"), "deflated.pth")
    # An optimizer state as training scripts save it, stepped on a copy so that `sd` keeps its values.
    trained = copy.deepcopy(net)
    optimizer = torch.optim.SGD(trained.parameters(), lr=0.1, momentum=0.9)
    trained(torch.randn(4, 3)).sum().backward()
    optimizer.step()
    save({"epoch": 3, "state_dict": sd, "optimizer": optimizer.state_dict()}, "wrapped_state_dict.pth")
    save({"model": sd, "args": [1, 2]}, "wrapped_model.pth")
    save(nn.DataParallel(net).state_dict(), "dataparallel.pth")
    nested = {"encoder": {"weight": torch.randn(2, 2), "layer": {"bias": torch.randn(3)}},
              "decoder": {"weight": torch.randn(1, 2)}, "note": "text is skipped"}
    save(nested, "nested.pth")
    expect("nested", {"encoder.weight": nested["encoder"]["weight"], "encoder.layer.bias": nested["encoder"]["layer"]["bias"],
                      "decoder.weight": nested["decoder"]["weight"]})

    torch.save(net, out("whole_model.pth"))
    torch.save(Net(), out("whole_model_main.pth"))
    torch.save(torch.arange(3.0), out("single_tensor.pth"))
    torch.jit.script(nn.Linear(2, 2)).save(out("torchscript.pt"))
    hostile()
    packed_fuzz_seed()
    for name in sorted(os.listdir(OUT)):
        print(f"wrote pth/{name}: {os.path.getsize(out(name))} bytes")
    return write_fixture(expected, out("expected.safetensors"))


if __name__ == "__main__":
    sys.exit(main())
