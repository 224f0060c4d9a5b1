"""The command that starts a sandbox: a fresh interpreter, inside bubblewrap wherever bubblewrap works.

Under bubblewrap the child's whole world is built from nothing: read-only ``/usr`` and the interpreter's
own prefixes (bound at the same paths, so a Python under ``/root`` works for an unprivileged uid too), the
few kit modules it runs, a read-only copy of its submission, two small tmpfs folders to write in, a
``/proc`` of its own PID namespace, and four devices. New IPC, network, PID, UTS and cgroup namespaces; no
environment but what it is given. Without bubblewrap (``FLASK_CONFORMANCE_SANDBOX=plain``, or where it
cannot run) the same interpreter runs unconfined but for its limits and uid: SECURITY.md says what that
leaves open.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

KIT_PACKAGE = "conformance_sandbox"
INSIDE_KIT = "/opt/flask-conformance"
INSIDE_SOURCE = "/source"
INSIDE_APP = "/app"
INSIDE_TMP = "/tmp"
DEVICES = ("null", "zero", "random", "urandom")
ROOT_LINKS = ("bin", "sbin", "lib", "lib32", "lib64", "libx32")
SYSTEM_FILES = ("/etc/ld.so.cache", "/etc/mime.types", "/etc/localtime")
# What the app imports beside the standard library: bound wherever it is installed.
LIBRARIES = ("flask", "werkzeug", "jinja2", "markupsafe", "itsdangerous", "click", "blinker")
ENVIRONMENT_SWITCH = "FLASK_CONFORMANCE_SANDBOX"
# The kit's own folder, whose modules a child imports as the package ``KIT_PACKAGE``.
KIT_SOURCE = Path(__file__).resolve().parent.parent


def boot_code(kit_folder: str, descriptor: int) -> str:
    return (
        f"import sys; sys.path.insert(0, {kit_folder!r}); "
        f"from {KIT_PACKAGE}.sandbox.sandbox_child import main; main({descriptor})"
    )


def interpreter_command(kit_folder: str, descriptor: int) -> list[str]:
    """``-I``: no PYTHON* variables, no user site, no script folder on sys.path; ``-B``: no bytecode files."""
    return [sys.executable, "-I", "-B", "-c", boot_code(kit_folder, descriptor)]


def copy_modules(kit: Path, modules: tuple[str, ...]) -> None:
    """The kit modules a child runs, as the package ``kit``: each in its layer's folder, whose ``__init__``
    is empty here, so that it imports nothing more."""
    kit.mkdir(parents=True)
    (kit / "__init__.py").write_text("")
    for name in modules:
        (kit / name).parent.mkdir(exist_ok=True)
        (kit / name).parent.joinpath("__init__.py").touch()
        shutil.copyfile(KIT_SOURCE / name, kit / name)


def holder_program() -> list[str]:
    """What bubblewrap runs in a sandbox whose app the zygote forks into it: a shell that says on its
    standard output (a pipe to the grader) that the sandbox is built, then sleeps, holding its namespaces,
    until it is killed."""
    return ["/bin/sh", "-c", "echo ready && exec sleep infinity >/dev/null"]


def find_bubblewrap() -> str | None:
    """bwrap, unless told not to use it or it cannot create namespaces here."""
    if os.environ.get(ENVIRONMENT_SWITCH, "").lower() == "plain":
        return None
    found = shutil.which("bwrap")
    return found if found and _bubblewrap_works(found) else None


@functools.cache
def _bubblewrap_works(bwrap: str) -> bool:
    probe = [bwrap, *_namespace_flags(), "--ro-bind", "/", "/", "--proc", "/proc", "true"]
    try:
        return subprocess.run(probe, capture_output=True, timeout=10, check=False).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def _namespace_flags() -> list[str]:
    flags = ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"]
    if os.getuid() != 0:
        flags.append("--unshare-user")  # without root, a user namespace is what lets bwrap do the rest
    return flags


def bubblewrap_command(bwrap: str, workspace: Path, disk: int, program: list[str]) -> list[str]:
    """The sandbox built around ``program``: ``interpreter_command(INSIDE_KIT, descriptor)`` (a cold start),
    or ``holder_program()`` (a warm one)."""
    command = [bwrap, *_namespace_flags(), "--die-with-parent", "--new-session", "--hostname", "sandbox"]
    command += ["--ro-bind", "/usr", "/usr"]
    for name in ROOT_LINKS:
        host = Path("/") / name
        if host.is_symlink():
            command += ["--symlink", os.readlink(host), str(host)]
        elif host.is_dir():
            command += ["--ro-bind", str(host), str(host)]
    for path in SYSTEM_FILES:
        command += ["--ro-bind-try", path, path]
    # The writable folders first: an interpreter under /tmp (a CI clone's .venv) is bound on top of them,
    # where a tmpfs mounted later would hide it.
    for writable in (INSIDE_APP, INSIDE_TMP):
        command += ["--size", str(disk), "--perms", "01777", "--tmpfs", writable]
    bound = interpreter_folders()
    for folder in bound:
        command += [*_open_parents(folder), "--ro-bind", str(folder), str(folder)]
    for hidden in kit_folders():
        if any(hidden.is_relative_to(folder) for folder in bound):
            command += ["--tmpfs", str(hidden)]
    command += ["--proc", "/proc", "--dir", "/dev"]
    for device in DEVICES:
        command += ["--dev-bind", f"/dev/{device}", f"/dev/{device}"]
    command += ["--ro-bind", str(workspace / "submission"), INSIDE_SOURCE]
    command += [*_open_parents(Path(INSIDE_KIT)), "--ro-bind", str(workspace / "kit"), INSIDE_KIT]
    command += ["--chdir", INSIDE_APP, "--clearenv"]
    if os.getuid() == 0:
        # Enough to switch to the leased uid, which clears these too; nothing else, ever.
        command += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    return [*command, "--", *program]


def _open_parents(folder: Path) -> list[str]:
    """The folders above a bind, made passable for the unprivileged child (bubblewrap makes them 0700)."""
    arguments: list[str] = []
    for parent in reversed(folder.parents[:-1]):
        if str(parent) not in (INSIDE_APP, INSIDE_TMP):  # writable tmpfs folders keep their mode
            arguments += ["--perms", "0755", "--dir", str(parent)]
    return arguments


def interpreter_folders() -> list[Path]:
    """The interpreter's prefixes and wherever Flask and its dependencies live, outermost only, not /usr."""
    places = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.exec_prefix), Path(sys.base_exec_prefix)}
    places.add(Path(sys.executable).resolve().parent.parent)
    for library in LIBRARIES:
        spec = importlib.util.find_spec(library)
        if spec is not None and spec.origin:
            places.add(Path(spec.origin).resolve().parent.parent)
    resolved = {place.resolve() for place in places if place.exists()}
    usr = Path("/usr")
    candidates = sorted(place for place in resolved if place != Path("/") and not place.is_relative_to(usr))
    return [
        place for place in candidates if not any(place != other and place.is_relative_to(other) for other in candidates)
    ]


def interpreter_readable_by_others() -> bool:
    """Whether another uid could import the interpreter and Flask where they are (not under /root, mode 700):
    without bubblewrap, which binds them into a root of its own, that decides whether a child can give up root."""
    for place in interpreter_folders():
        for folder in (place, *place.parents):
            if not folder.stat().st_mode & 0o001:
                return False
    return True


def kit_folders() -> list[Path]:
    """The kit's own code, spec and references: hidden if they sit inside a bound folder (an installed wheel)."""
    package = Path(__file__).resolve().parent.parent
    return [package, package.parent / "spec_tests", package.parent / "reference_app"]
