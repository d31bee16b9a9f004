"""Writing a fixture file, shared by the generate*.py scripts."""

import os
import sys

from safetensors.torch import save_file

SIZE_LIMIT = 300 * 1024


def write_fixture(tensors, path, metadata=None):
    """Saves `tensors` (contiguous) to `path` and reports the size.

    Returns the script's exit status: 1 when the file exceeds the size limit fixtures are
    kept under, else 0. Keep `metadata` to a single entry: safetensors writes it from a hash
    map, so several entries would change the file's bytes from run to run.
    """
    save_file({k: v.contiguous() for k, v in tensors.items()}, path, metadata=metadata)
    size = os.path.getsize(path)
    print(f"wrote {os.path.relpath(path)}: {len(tensors)} keys, {size} bytes ({size / 1024:.1f} KiB)")
    if size >= SIZE_LIMIT:
        print(f"warning: {os.path.basename(path)} is over {SIZE_LIMIT // 1024} KB", file=sys.stderr)
        return 1
    return 0
