"""A uid of its own for every sandbox running on this machine at the same time.

A root grader runs each submission as a uid that no account has and no other running sandbox holds, so
that two submissions graded side by side cannot signal, trace or read each other, and a per-uid limit
(RLIMIT_NPROC) bounds one submission's processes. A lease is an exclusive ``flock`` on a file in a folder
only root can open; the kernel drops it when the grader dies, however it dies.
"""

from __future__ import annotations

import contextlib
import fcntl
import grp
import os
import pwd
from pathlib import Path

FIRST_UID = 61000
POOL_SIZE = 4000


class NoFreeUid(Exception):
    pass


class UidLease:
    """A uid (and the gid of the same number) held until ``release``."""

    def __init__(self, uid: int, lock: int) -> None:
        self.uid = uid
        self.gid = uid
        self._lock = lock

    def release(self) -> None:
        if self._lock >= 0:
            os.close(self._lock)
            self._lock = -1


def lock_folder() -> Path:
    """One folder for the whole machine, whatever TMPDIR each grader was given (a scheduler often gives
    every job of an array its own): in /run where this user may write, else in /tmp. Two graders with
    two lease folders would hand the same uid to two sandboxes."""
    base = Path("/run") if os.access("/run", os.W_OK) else Path("/tmp")
    folder = base / f"flask-conformance-uids-{os.geteuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    if folder.is_symlink() or folder.stat().st_uid != os.geteuid():
        raise NoFreeUid(f"{folder} belongs to someone else")
    os.chmod(folder, 0o700)
    return folder


def lease_uid() -> UidLease:
    """The first free uid of the pool; raises NoFreeUid when every one is held or taken by an account."""
    folder = lock_folder()
    for uid in range(FIRST_UID, FIRST_UID + POOL_SIZE):
        if _has_account(uid):
            continue
        lock = os.open(folder / str(uid), os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(lock)
            continue
        return UidLease(uid, lock)
    raise NoFreeUid(f"all {POOL_SIZE} sandbox uids from {FIRST_UID} are in use")


def _has_account(uid: int) -> bool:
    """Whether a user or a group already has this number (its files or processes could be reached)."""
    for lookup in (pwd.getpwuid, grp.getgrgid):
        with contextlib.suppress(KeyError):
            lookup(uid)
            return True
    return False
