"""Submissions handed in as zip archives: extracted within the copy's bounds, graded as folders, and an
archive that cannot be opened is a graded row that says why, never a student missing from the gradebook."""

from __future__ import annotations

import stat
import zipfile

import pytest

from conftest import ROOT
from flask_conformance.commands.batch import ARCHIVES, run_batch
from flask_conformance.commands.grading_run import BatchOptions
from flask_conformance.reading import archives
from flask_conformance.reading.archives import ArchiveError, extract

LESSON = ROOT / "reference_app" / "lesson"


def _zip(path, members):
    """An archive of ``members``: name -> bytes, or (bytes, mode) for a file with Unix mode bits."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            content, mode = data if isinstance(data, tuple) else (data, 0o100644)
            info = zipfile.ZipInfo(name)
            info.external_attr = mode << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return path


def _files(folder):
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


def test_a_zipped_class_is_graded_beside_folders(tmp_path):
    """Seen failing before: "ignored in class: alice.zip", and alice had no row in grades.csv."""
    folder = tmp_path / "class"
    folder.mkdir()
    lesson = {name: (LESSON / name).read_bytes() for name in ("app.py", "login.html")}
    _zip(folder / "alice.zip", {f"alice/{name}": data for name, data in lesson.items()})  # a zip's top folder
    (folder / "bob").mkdir()
    for name, data in lesson.items():
        (folder / "bob" / name).write_bytes(data)
    (folder / "carol.zip").write_bytes(b"not a zip")
    (folder / "dave.zip").mkdir()  # a folder with an archive's name is a folder
    for name, data in lesson.items():
        (folder / "dave.zip" / name).write_bytes(data)
    out = tmp_path / "out"
    records = {record.name: record for record in run_batch(folder, out, BatchOptions(jobs=2))}
    assert {name: (record.score, record.status) for name, record in records.items()} == {
        "alice": (records["bob"].score, "graded"),
        "bob": (records["bob"].score, "graded"),
        "carol": (0, "load-error: carol.zip is not a zip archive that can be read (BadZipFile)"),
        "dave.zip": (records["bob"].score, "graded"),
    }
    assert records["bob"].score == records["bob"].max_score
    assert _files(out / ARCHIVES) == ["alice/alice/app.py", "alice/alice/login.html"]


def test_an_archive_replaced_by_one_that_cannot_be_read_is_not_graded_from_the_last_run(tmp_path):
    """The folder of an earlier run's grade holds its journal: read back for the unreadable archive, it gave
    the old archive's grade (seen failing: 83 of 83 for a file that is no zip)."""
    folder = tmp_path / "class"
    folder.mkdir()
    _zip(folder / "carol.zip", {name: (LESSON / name).read_bytes() for name in ("app.py", "login.html")})
    out = tmp_path / "out"
    (first,) = run_batch(folder, out, BatchOptions(jobs=1))
    assert first.score == first.max_score
    (folder / "carol.zip").write_bytes(b"not a zip")
    (second,) = run_batch(folder, out, BatchOptions(jobs=1))
    assert (second.score, second.status) == (
        0,
        "load-error: carol.zip is not a zip archive that can be read (BadZipFile)",
    )


def test_nothing_is_extracted_outside_the_folder_or_as_a_link(tmp_path):
    archive = _zip(
        tmp_path / "evil.zip",
        {
            "../escaped.py": b"x",
            "/absolute.py": b"x",
            "a/../../escaped_too.py": b"x",
            "C:/windows.py": b"x",
            "..\\backslashed.py": b"x",
            "link.py": (b"/etc/passwd", stat.S_IFLNK | 0o777),
            ".git/config": b"x",
            "__pycache__/app.cpython-311.pyc": b"x",
            "app.py": b"print('kept')",
            "templates\\login.html": b"<form></form>",
        },
    )
    destination = tmp_path / "out" / "evil"
    assert extract(archive, destination) == 2
    assert _files(tmp_path) == ["evil.zip", "out/evil/app.py", "out/evil/templates/login.html"]


def test_an_archive_that_inflates_without_end_stops_at_the_bound(tmp_path, monkeypatch):
    monkeypatch.setattr(archives, "MAX_BYTES", 1 << 20)
    archive = _zip(tmp_path / "bomb.zip", {"app.py": b"print(1)\n", "zeros.txt": bytes(16 << 20)})
    assert archive.stat().st_size < 100 << 10
    extract(archive, tmp_path / "out")
    sizes = {path.name: path.stat().st_size for path in (tmp_path / "out").iterdir()}
    assert sizes["app.py"] == 9 and sizes.get("zeros.txt", 0) <= (1 << 20) - 9


def test_the_apps_code_is_extracted_before_a_committed_environment(tmp_path, monkeypatch):
    monkeypatch.setattr(archives, "MAX_FILES", 5)
    members = {f"env/lib/site{number}.dat": b"x" for number in range(20)}
    members["app.py"] = b"print(1)"
    members["templates/login.html"] = b"<form></form>"
    extract(_zip(tmp_path / "heavy.zip", members), tmp_path / "out")
    extracted = _files(tmp_path / "out")
    assert {"app.py", "templates/login.html"} <= set(extracted) and len(extracted) == 5


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "empty.zip holds no file to grade"),
        (b"PK\x03\x04 cut short", "empty.zip is not a zip archive that can be read (BadZipFile)"),
    ],
    ids=["empty", "damaged"],
)
def test_an_archive_with_nothing_to_grade_says_so(tmp_path, content, reason):
    archive = tmp_path / "empty.zip"
    if content is None:
        _zip(archive, {})
    else:
        archive.write_bytes(content)
    with pytest.raises(ArchiveError) as raised:
        extract(archive, tmp_path / "out")
    assert str(raised.value) == reason


def test_an_archive_over_the_bound_is_not_opened(tmp_path, monkeypatch):
    monkeypatch.setattr(archives, "MAX_ARCHIVE", 1 << 10)
    archive = tmp_path / "big.zip"
    archive.write_bytes(bytes(2 << 10))
    with pytest.raises(ArchiveError, match=r"^big.zip is 0 MiB, more than the 0 MiB an archive may be"):
        extract(archive, tmp_path / "out")
    assert not (tmp_path / "out").exists()
