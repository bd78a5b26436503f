"""A refresh's new version, started as a copy of the served one.

Copying the served version whole writes every byte of it again (1.2 GiB at 5M incidents), and that much written
has to reach the disk before the refresh's first commit returns. A night changes a few per cent of the file's blocks.
So where a published version is due to go once the new one is published (it is beyond `keep_versions`), the refresh
takes that file, renamed to the building name, and rewrites only the blocks in which it differs from the served
version: it is then the served version, byte for byte, and the disk writes what changed since that version was made.

A version something still reads is never written to. DuckDB holds a lock on a file it has open, so a version whose
lock another process holds is left to its reader, unlinked as pruning would leave it (the reader keeps reading it),
and the served version is copied whole instead; so is one this process has open (its own locks do not stop it).
A refresh that fails after taking a version leaves one old version fewer, never the served one.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

from etl.warehouse import Warehouse

# DuckDB's block size: a block that changed is rewritten whole
BLOCK_BYTES = 256 * 1024


def start_version(store: Warehouse, building: Path, keep: int) -> bool:
    """Make `building` (a path that does not exist yet) a copy of the served version. True when a version due to go
    was brought up to date in its place, False when the served version was copied whole."""
    current = store.current_path()
    going = store.due_to_go(keep, adding=1)
    retiring = going[0] if going else None
    if retiring is not None and not _open_in_this_process(retiring):
        try:
            os.replace(retiring, building)
        except FileNotFoundError:  # pruned meanwhile
            pass
        else:
            store.remove_version(retiring)  # what is left of it: its log, which the new version must not replay
            if _bring_up_to_date(building, current):
                return True
            building.unlink(missing_ok=True)
    shutil.copyfile(current, building)
    return False


def _open_in_this_process(path: Path) -> bool:
    """Whether this process has `path` open (its own locks do not stop it); True where that cannot be told."""
    descriptors = Path("/proc/self/fd")
    if not descriptors.is_dir():
        return True
    for descriptor in descriptors.iterdir():
        try:
            if os.path.samefile(descriptor, path):
                return True
        except OSError:  # closed meanwhile, or not a file
            continue
    return False


def _bring_up_to_date(target: Path, source: Path) -> bool:
    """Rewrite each block of `target` that differs from `source`'s, and cut it to `source`'s size; False, leaving it
    untouched, when another process holds a lock on it (a reader has it open)."""
    descriptor = os.open(target, os.O_RDWR)
    try:
        try:
            fcntl.lockf(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        with source.open("rb") as reading:
            offset = 0
            while block := reading.read(BLOCK_BYTES):
                if os.pread(descriptor, len(block), offset) != block and os.pwrite(descriptor, block, offset) != len(block):
                    raise OSError(f"could not write {len(block)} bytes at {offset} of {target}")
                offset += len(block)
        os.ftruncate(descriptor, offset)
        return True
    finally:
        os.close(descriptor)  # and with it the lock
