"""A submission handed in as a zip archive (a learning platform's download): extracted, bounded as the
copy of a folder is, before anything in it is graded.

Everything is bounded before it is read: the archive's size (``MAX_ARCHIVE``), the names it lists
(``MAX_LISTED``), the files extracted and their bytes (the copy's ``MAX_FILES`` and ``MAX_BYTES``, counted
as they are decompressed, so a small archive that inflates without end stops at the bound), and how deep
they sit. A name that would land outside the folder (absolute, ``..``), a symbolic link, and what the copy
leaves out anyway (``.git``, ``__pycache__``, a virtual environment's usual names) are not extracted. Files
are taken in the copy's order, the app's code and pages first, so a committed environment never crowds out
``app.py``.
"""

from __future__ import annotations

import lzma
import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from .submission_copy import CHUNK, IGNORED_NAMES, MAX_BYTES, MAX_DEPTH, MAX_FILES, MAX_LISTED, priority

ARCHIVE_SUFFIXES = (".zip",)
MAX_ARCHIVE = 64 << 20


class ArchiveError(Exception):
    """The archive cannot be graded; the message says why, for the student and the instructor."""


def is_archive(path: Path) -> bool:
    """A file (never a folder, whatever its name) that is graded as the submission it holds."""
    return path.suffix.lower() in ARCHIVE_SUFFIXES and path.is_file()


def extract(archive: Path, destination: Path) -> int:
    """Extract ``archive`` into the new folder ``destination``; returns the number of files extracted.
    Raises ArchiveError when it cannot be opened or holds no file to grade."""
    size = archive.stat().st_size
    if size > MAX_ARCHIVE:
        raise ArchiveError(
            f"{archive.name} is {size >> 20} MiB, more than the {MAX_ARCHIVE >> 20} MiB an archive may be: unzip it "
            "into a folder of its own and grade that folder"
        )
    destination.mkdir(parents=True)
    try:
        with zipfile.ZipFile(archive) as opened:
            members = opened.infolist()
            if len(members) > MAX_LISTED:
                raise ArchiveError(f"{archive.name} lists more than {MAX_LISTED} files: unzip it yourself")
            wanted = sorted((member for member in members if _wanted(member)), key=lambda m: priority(_path(m)))
            extracted = written = 0
            for member in wanted[:MAX_FILES]:
                if written + member.file_size > MAX_BYTES:
                    continue  # what it says it holds is over the bound; what it inflates to is counted below
                written += _extract_one(opened, member, destination / _path(member), MAX_BYTES - written)
                extracted += 1
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError) as error:
        raise ArchiveError(f"{archive.name} is not a zip archive that can be read ({type(error).__name__})") from None
    if not extracted:
        raise ArchiveError(f"{archive.name} holds no file to grade")
    return extracted


def _path(member: zipfile.ZipInfo) -> PurePosixPath:
    return PurePosixPath(member.filename.replace("\\", "/"))


def _wanted(member: zipfile.ZipInfo) -> bool:
    """A regular file, whose name stays inside the folder, not too deep, and not among what the copy leaves
    out."""
    if member.is_dir() or stat.S_ISLNK(member.external_attr >> 16) or member.flag_bits & 0x1:  # encrypted
        return False
    parts = _path(member).parts
    if not parts or parts[0] == "/" or ":" in parts[0] or len(parts) > MAX_DEPTH:
        return False
    return not any(part in ("", ".", "..") or part in IGNORED_NAMES for part in parts)


def _extract_one(opened: zipfile.ZipFile, member: zipfile.ZipInfo, target: Path, allowed: int) -> int:
    """Decompress one file into ``target``, stopping at ``allowed`` bytes; returns the bytes written. A file
    whose name the file system refuses, or whose data is damaged, is left out."""
    written = 0
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with opened.open(member) as source, target.open("wb") as sink:
            while chunk := source.read(min(CHUNK, allowed - written + 1)):
                if written + len(chunk) > allowed:
                    break  # inflates past the bound: what came before it stays, cut
                sink.write(chunk)
                written += len(chunk)
    except (
        OSError,
        zipfile.BadZipFile,
        zlib.error,
        lzma.LZMAError,
        EOFError,
        RuntimeError,
        NotImplementedError,
        ValueError,
    ):
        target.unlink(missing_ok=True)
    return written
