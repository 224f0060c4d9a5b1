"""One factory for every kind of target: a file, a folder, ``module:attr``, or a live URL."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..data.exercise import current
from ..data.limits import Limits
from ..reading.archives import is_archive
from ..reading.form_page import find_form_page
from ..reading.submission_copy import passed_over
from ..sandbox.sandbox import SandboxTransport, adopt
from ..transports.loading import AppSpec, LoadError, load_app
from ..transports.transport import HttpTransport, Transport, WsgiTransport

DEFAULT_TARGET = "reference_app.robust.app:app"
REFERENCES = {"tutorial": "reference_app.lesson.app:app", "robust": DEFAULT_TARGET}  # each profile's reference

_URL = re.compile(r"^https?://", re.IGNORECASE)
_OTHER_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


class TargetError(LoadError):
    """The target text names nothing that could be graded: the user's mistake, never a student's failure."""


_FILE_WITH_ATTRIBUTE = re.compile(r"^(?P<path>.+\.py):(?P<attribute>[^:/\\]+)$")


@dataclass
class Target:
    """A target opened for grading: how to reach it, and its form page if it has one."""

    text: str
    kind: str
    description: str
    transport: Transport
    form_page: Path | None
    form_skip_reason: str
    isolated: bool
    isolation: str = "in-process: no isolation"
    # A submission folder without login.html fails the form checks (POLICY.md: leaving the file out must
    # never score better than a wrong one); other targets have no form to check and skip them.
    form_missing: str = ""

    def close(self) -> None:
        self.transport.close()


def parse_target(text: str) -> tuple[str, AppSpec | None]:
    """The kind of a target string (``url``, ``file``, ``folder`` or ``module``) and where its app is.
    Raises TargetError when it names nothing that exists."""
    if _URL.match(text):
        return "url", None
    if _OTHER_SCHEME.match(text):
        raise TargetError(f"cannot grade {text!r}: a live target is an http:// or https:// URL")
    path = Path(text)
    if path.is_dir():
        return "folder", AppSpec(path=unwrapped(path))
    if is_archive(path):  # a file, never a folder so named
        raise TargetError(
            f"cannot grade {text!r} as it is: unzip it and give its folder, or grade the folder that holds it "
            "with `flask-conformance grade`, which unzips each archive it finds"
        )
    if path.is_file():
        return "file", AppSpec(path=path)
    match = _FILE_WITH_ATTRIBUTE.match(text)
    if match and Path(match["path"]).is_file():
        return "file", AppSpec(path=Path(match["path"]), attribute=match["attribute"])
    module, colon, attribute = text.partition(":")
    if re.fullmatch(r"[A-Za-z_][\w.]*", module) and not text.endswith(".py"):
        top = module.split(".")[0]
        if importlib.util.find_spec(top) is None and not _in_folder(Path.cwd(), top):
            raise TargetError(
                f"cannot find the target {text!r}: there is no file or folder of that name, and no module "
                f"{top!r} in {Path.cwd()} or among the installed packages"
            )
        return "module", AppSpec(module=module, attribute=attribute if colon else None, search_path=Path.cwd())
    raise TargetError(
        f"cannot find the target {text!r}: no such file or folder, and not `module:attr` or an http(s):// URL. "
        "Check the path (relative to the folder you run in)."
    )


WRAPPERS_OPENED = 3  # a zip's top folder inside a learning platform's folder for the student, and one more
RESOURCE_FOLDERS = frozenset({"templates", "static"})


def unwrapped(folder: Path) -> Path:
    """The folder a submission's files are in: ``folder``, or the one folder inside it when ``folder`` only
    wraps it, as a zip's top folder or a learning platform's folder for each student does: no Python or
    HTML file of its own, and one folder beside what the copy leaves out anyway (``__MACOSX``, ``.git``,
    a virtual environment, hidden ones). Without this, a correct app one folder down scored nothing."""
    for _ in range(WRAPPERS_OPENED):
        inner = _only_folder(folder)
        if inner is None:
            return folder
        folder = inner
    return folder


def _only_folder(folder: Path) -> Path | None:
    folders = []
    try:
        with os.scandir(folder) as scan:
            for count, entry in enumerate(scan):
                if count == 1000:  # no wrapper holds that much
                    return None
                if passed_over(entry):
                    continue
                if entry.name.endswith((".py", ".html")):
                    return None
                if entry.is_dir(follow_symlinks=False):
                    folders.append(Path(entry.path))
    except OSError:
        return None
    if len(folders) != 1 or folders[0].name in RESOURCE_FOLDERS or (folders[0] / "__init__.py").exists():
        return None  # a package is the app itself (``flask --app flaskr``), imported from the folder above
    return folders[0]


def _in_folder(folder: Path, module: str) -> bool:
    return (folder / f"{module}.py").is_file() or (folder / module / "__init__.py").is_file()


def stop_as_after_ctrl_c(signum: int, frame: object) -> None:
    """A signal handler: SIGTERM (a service manager's, a job scheduler's or a CI runner's stop) ends the run
    as Ctrl-C does, through every clean-up, where its default would end the process on the spot and leave
    the sandboxes' cgroups and workspaces behind."""
    raise KeyboardInterrupt


@contextlib.contextmanager
def sigterm_as_ctrl_c() -> Iterator[None]:
    """Within the block, SIGTERM is ``stop_as_after_ctrl_c``: where nobody else handles it (its action is
    the default) and in the main thread, the only one a handler can be set in."""
    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGTERM) != signal.SIG_DFL:
        yield
        return
    signal.signal(signal.SIGTERM, stop_as_after_ctrl_c)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def open_target(text: str, *, isolate: bool | None = None, limits: Limits | None = None) -> Target:
    """Open a target; ``isolate`` defaults to on for files and folders, off for modules.

    Raises LoadError with a message that says what was tried and how to fix it.
    """
    kind, spec = parse_target(text)
    limits = limits or Limits()
    transport: Transport
    if spec is None:
        try:
            transport = HttpTransport(text, timeout=limits.request_timeout)
        except ValueError as error:
            raise LoadError(str(error)) from None
        return Target(
            text,
            kind,
            f"live server at {transport.base_url}",
            transport,
            None,
            f"a live URL has no {current().form} to read",
            isolated=False,
            isolation="a live server: the kit runs none of its code",
        )
    isolated = isolate if isolate is not None else kind != "module"
    if isolated:
        sandbox = adopt(spec, limits)
        try:
            description = sandbox.start()
        except BaseException:  # a load error, or Ctrl-C or SIGTERM while it imports: its sandbox goes
            sandbox.close()
            raise
        transport = sandbox
        if kind == "folder":  # read login.html from the bounded copy, never from the student's folder
            spec = AppSpec(path=sandbox.spec_folder, attribute=spec.attribute)
    else:
        app, description = load_app(spec)
        transport = WsgiTransport(app)
    form_page, reason = _form_page(kind, spec)
    target = Target(text, kind, description, transport, form_page, reason, isolated)
    if kind == "folder" and form_page is None:
        target.form_missing = (
            f"{current().form} is missing: the lesson's form page belongs in the submission folder or its templates/"
        )
        if isinstance(transport, SandboxTransport):
            left_out = [
                entry for entry in transport.copy_report.skipped if entry.split(" (")[0].endswith(current().form)
            ]
            if left_out:
                target.form_missing += f" (it was left out of the copy the kit grades: {left_out[0]})"
    if isinstance(transport, SandboxTransport):
        target.isolation = "sandbox: " + transport.isolation
    return target


def _form_page(kind: str, spec: AppSpec) -> tuple[Path | None, str]:
    if kind == "folder":
        assert spec.path is not None
        page = find_form_page(spec.path)
        return page, "" if page else f"no {current().form} in the submission folder or a templates/ folder in it"
    if kind == "module":
        assert spec.module is not None
        found = importlib.util.find_spec(spec.module.split(".")[0]) and importlib.util.find_spec(spec.module)
        if found is not None and found.origin:
            page = find_form_page(Path(found.origin).parent)
            return page, "" if page else f"no {current().form} beside {found.origin}"
        return None, f"cannot find where {spec.module} lives"
    return None, f"a single .py file has no {current().form} to check; grade the folder to check it"
