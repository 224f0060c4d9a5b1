"""Finding and importing a Flask app from a file, a folder or ``module:attr``.

Importing must not start a server (``FLASK_RUN_FROM_CLI=true`` makes
``Flask.run`` return at once) and must leave nothing behind for the next
target: modules, ``sys.path``, the working directory and the environment are
put back as they were.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import importlib
import importlib.machinery
import importlib.util
import os
import re
import sys
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..data.exchange import frame_text
from .raised import MAX_TEXT, raised

CONVENTIONAL_FILES = ("app.py", "main.py", "wsgi.py", "application.py", "server.py", "run.py", "flask_app.py")
CONVENTIONAL_NAMES = ("app", "application")
FACTORY_NAMES = ("create_app", "make_app")


# What a user of the command line can do about a load error, beside what the student can: name the app with
# --target. A batch's feedback leaves it out (``for_students``): a student cannot pass a flag to the grader.
_BY_HAND = " (Grading it by hand: `--target {target}`.)"
_BY_HAND_SENTENCE = re.compile(r" \(Grading it by hand: `--target [^`\n]*`\.\)")


def by_hand(target: object) -> str:
    return _BY_HAND.format(target=target)


def for_students(text: str) -> str:
    """A load error as a student reads it in a batch's feedback: without the command line's flags."""
    return _BY_HAND_SENTENCE.sub("", text)


class LoadError(Exception):
    """The target could not be turned into an app; the text says what was tried and how to fix it."""


@dataclass(frozen=True)
class AppSpec:
    """Where an app lives: a ``.py`` file or a submission folder (``path``), or a module.

    ``attribute`` names the app or factory (``create_app()``) when given;
    ``search_path`` is where a module is imported from (default: the cwd).
    """

    path: Path | None = None
    module: str | None = None
    attribute: str | None = None
    search_path: Path | None = None

    def describe(self) -> str:
        where = str(self.path) if self.path is not None else str(self.module)
        return f"{where}:{self.attribute}" if self.attribute else where


@contextlib.contextmanager
def clean_import_state(restore: bool = True) -> Iterator[None]:
    """Import with ``FLASK_RUN_FROM_CLI`` set (``app.run()`` at module level then starts no server); put
    ``sys.path``, cwd and the environment back once the import is done, and forget the modules it imported
    from the submission's folders (so that the next submission's ``app`` or ``helpers`` is its own), unless
    ``restore`` is False (a process that is the app's alone, whose views may import or read them later).
    The libraries it imported stay: a view that imports Flask as it runs must find the Flask its app was
    built with, not a second one whose ``request`` belongs to no request."""
    modules = set(sys.modules)
    path = list(sys.path)
    cwd = os.getcwd()
    environ = dict(os.environ)
    os.environ["FLASK_RUN_FROM_CLI"] = "true"
    try:
        yield
    finally:
        if restore:
            # the folders the loader put first on sys.path (one may have been there already), and any other
            # entry the import added
            added = {*sys.path[: max(0, len(sys.path) - len(path))], *(set(sys.path) - set(path))}
            theirs = [Path(entry).resolve() for entry in added if entry]
            for name in set(sys.modules) - modules:
                if _imported_from(sys.modules[name], theirs):
                    del sys.modules[name]
            sys.path[:] = path
            os.chdir(cwd)
            os.environ.clear()
            os.environ.update(environ)


def _imported_from(module: object, folders: list[Path]) -> bool:
    """Whether a module came from one of ``folders``, or from no file at all (made by the submission)."""
    file = getattr(module, "__file__", None)
    if not file:
        return True
    try:
        path = Path(file).resolve()
    except (OSError, RuntimeError, ValueError):
        return True
    return any(path.is_relative_to(folder) for folder in folders)


def load_app(spec: AppSpec, restore: bool = True) -> tuple[Callable[..., Any], str]:
    """Import the app a spec names; returns it with a description such as ``app.py:app``. ``restore``: put
    this process's modules, path, cwd and environment back after (for an app imported into the grader);
    a sandbox's child, whose process is the app's, leaves them as the app made them, as ``python app.py``
    does: a view that imports Flask or a module of its own when it runs then finds the same ones."""
    with clean_import_state(restore):
        if spec.module is not None:
            module = _import_module(spec.module, spec.search_path or Path.cwd(), spec.module)
            return find_app(module, spec.attribute, spec.module)
        assert spec.path is not None
        if spec.path.is_dir():
            return _load_folder(spec.path)
        module = import_file(spec.path)
        return find_app(module, spec.attribute, spec.path.name)


def _import_module(name: str, folder: Path, where: str) -> Any:
    """Import the module or package ``name``, ``folder`` first on ``sys.path``; ``where`` names it in errors."""
    sys.path.insert(0, str(folder))
    return _guarded(where, lambda: importlib.import_module(name))


def import_file(path: Path) -> Any:
    """Import one file as a top-level module named after it, its folder first on ``sys.path``."""
    if not path.is_file():
        raise LoadError(f"{path} does not exist.")
    path = path.resolve()
    folder = str(path.parent)
    sys.path.insert(0, folder)
    os.chdir(folder)
    name = path.stem
    import_spec = importlib.util.spec_from_file_location(name, path)
    if import_spec is None or import_spec.loader is None:
        raise LoadError(f"{path} is not a Python file.")
    module = importlib.util.module_from_spec(import_spec)
    sys.modules[name] = module
    loader = import_spec.loader
    _guarded(path.name, lambda: loader.exec_module(module))
    return module


def _guarded(where: str, action: Callable[[], Any]) -> Any:
    try:
        return action()
    except LoadError:  # the loader's own verdict, made inside the action
        raise
    except SyntaxError as error:
        file = Path(error.filename or where).name
        if "null bytes" in str(error.msg):  # a whole file saved as UTF-16, which Python cannot read either
            raise LoadError(
                f"{where} holds null bytes, which no Python source can: is it saved as UTF-16 (Notepad's "
                '"Unicode")? Save it as UTF-8.'
            ) from None
        shown = f"\n    {frame_text((file, error.lineno or 0, error.text.strip()[:MAX_TEXT]))}" if error.text else ""
        at = f" at line {error.lineno}" if error.lineno else ""
        raise LoadError(
            f"{where} has a syntax error{at}: {error.msg}. "
            f"Run `python -m py_compile {file}` to see it, and fix it.{shown}"
        ) from None
    except SystemExit as error:
        raise LoadError(
            f"{where} exits while it is being imported (sys.exit({error.code!r})). "
            "Move that call under `if __name__ == '__main__':`."
        ) from None
    except KeyboardInterrupt:
        raise
    except MemoryError:
        raise LoadError(f"importing {where} ran out of memory: it allocates without bound at module level.") from None
    except BaseException as error:
        where_raised = raised(error, Path.cwd())  # the loader runs in the submission's folder
        frames = "".join(f"\n    {frame_text(frame)}" for frame in where_raised.frames)
        if isinstance(error, EOFError | OSError) and where_raised.frames and "input(" in where_raised.frames[-1][2]:
            raise LoadError(
                f"importing {where} waits for someone to type an answer to input(), and the grader cannot type "
                "(on your machine it just waits for you). Move that call under `if __name__ == '__main__':`, "
                f"or take the value from the request.{frames}"
            ) from None
        detail = f": {where_raised.message}" if where_raised.message else ""
        raise LoadError(
            f"importing {where} raised {where_raised.kind}{detail}{_import_advice(where, error)}{frames}"
        ) from None


def _import_advice(where: str, error: BaseException) -> str:
    """What to do about an exception raised while importing, in the words that follow its message."""
    gone = _left_flask(error)
    if gone:
        return (
            f". `{gone}` is no longer part of Flask: import it from markupsafe, which comes with Flask: "
            f"`from markupsafe import {gone}`."
        )
    shadow = _shadowing_file(error)
    if shadow:
        package = Path(shadow).stem
        # the app itself (a flask.py) becomes app.py; a helper of theirs gets a name of its own
        renamed = "app.py" if shadow == where else f"my_{package}.py, importing it by that name"
        return (
            f". Your file {shadow} has the name of the package `{package}`, so importing `{package}` finds your "
            f"file instead of the package. Rename it (to {renamed}, for example)."
        )
    if isinstance(error, ModuleNotFoundError) and error.name:
        return (
            f": `{error.name}` is neither a file of your submission nor a package the grader has (Flask, and what "
            "Flask needs). The lesson needs no other package: remove that import, or hand in the file it names."
        )
    return f". Fix that line, then run `python {where}` to check."


# What older tutorials import from Flask and Flask no longer has: both now come from markupsafe.
LEFT_FLASK = ("escape", "Markup")
_CANNOT_IMPORT = re.compile(r"^cannot import name '(\w+)' from 'flask'")


def _left_flask(error: BaseException) -> str | None:
    match = _CANNOT_IMPORT.match(str(error)) if isinstance(error, ImportError) else None
    return match.group(1) if match and match.group(1) in LEFT_FLASK else None


def _shadowing_file(error: BaseException) -> str | None:
    """The student's file, relative to their folder, that an exception shows standing in for a module of
    the same name: a ``flask.py`` of their own, which ``from flask import Flask`` then imports, or a
    ``logging.py`` helper, which Flask's ``import logging`` finds instead of Python's."""
    if isinstance(error, ImportError) and error.name:
        name = error.name.split(".")[0]
        # "cannot import name 'x' from 'werkzeug' (werkzeug.py)" names the file; "No module named
        # 'werkzeug.local'; 'werkzeug' is not a package" only the module, which their file became.
        where = error.path or getattr(sys.modules.get(name), "__file__", None)
    elif isinstance(error, AttributeError) and isinstance(getattr(error, "obj", None), types.ModuleType):
        # "module 'logging' has no attribute 'StreamHandler'": the module is their file
        name = error.obj.__name__.split(".")[0]  # type: ignore[attr-defined]
        where = getattr(error.obj, "__file__", None)
    else:
        return None
    if not where:
        return None
    path = Path(where)
    folder = Path.cwd()  # the loader runs in the submission's folder
    if path.stem != name or not path.is_relative_to(folder):
        return None
    elsewhere = [entry for entry in sys.path if entry and not Path(entry).resolve().is_relative_to(folder)]
    if importlib.machinery.PathFinder.find_spec(name, elsewhere) is None:
        return None  # their own module, which lacks what is imported from it: not a package's name
    return str(path.relative_to(folder))


def _is_flask(value: object) -> bool:
    from flask import Flask

    return isinstance(value, Flask)


def find_app(module: Any, attribute: str | None, where: str) -> tuple[Callable[..., Any], str]:
    """The app in a module: the named one, else ``app``/``application``, the only Flask object, or a factory."""
    if attribute:
        return _from_attribute(module, attribute, where), f"{where}:{attribute}"
    for name in CONVENTIONAL_NAMES:
        if _is_flask(getattr(module, name, None)):
            return getattr(module, name), f"{where}:{name}"
    found = [name for name, value in vars(module).items() if _is_flask(value)]
    if len(found) == 1:
        return getattr(module, found[0]), f"{where}:{found[0]}"
    if len(found) > 1:
        raise LoadError(
            f"{where} defines {len(found)} Flask apps ({', '.join(found)}) and none is called `app`. "
            f"Call the one to grade `app`.{by_hand(f'{where}:{found[0]}')}"
        )
    for name in FACTORY_NAMES:
        if callable(getattr(module, name, None)):
            return _from_attribute(module, name + "()", where), f"{where}:{name}()"
    raise LoadError(
        f"no Flask app found in {where}: no module-level Flask object and no create_app() factory. "
        f"Define `app = Flask(__name__)` at module level.{by_hand('file.py:my_app')}"
    )


def _from_attribute(module: Any, attribute: str, where: str) -> Callable[..., Any]:
    try:
        expression = ast.parse(attribute.strip(), mode="eval").body
    except SyntaxError:
        raise LoadError(
            f"cannot read {attribute!r}: write an attribute name or a call such as `create_app()`."
        ) from None
    if isinstance(expression, ast.Name):
        name, call, arguments = expression.id, False, []
    elif isinstance(expression, ast.Call) and isinstance(expression.func, ast.Name) and not expression.keywords:
        name, call = expression.func.id, True
        try:
            arguments = [ast.literal_eval(argument) for argument in expression.args]
        except ValueError:
            raise LoadError(f"the arguments of {attribute!r} must be literals.") from None
    else:
        raise LoadError(f"cannot read {attribute!r}: write an attribute name or a call such as `create_app()`.")
    if not hasattr(module, name):
        raise LoadError(f"{where} has no attribute {name!r}.")
    value = getattr(module, name)
    if call:
        value = _guarded(f"{where}:{attribute}", lambda: value(*arguments))
    if not callable(value):
        raise LoadError(f"{where}:{attribute} is a {type(value).__name__}, not a WSGI app.")
    return value  # type: ignore[no-any-return]


def _load_folder(folder: Path) -> tuple[Callable[..., Any], str]:
    # Absolute, before the change into it below: a relative folder put on sys.path would name another one.
    folder = folder.resolve()
    candidates = folder_candidates(folder)
    if not candidates:
        package = flask_package(folder)
        if package is None:
            raise LoadError(
                "no Python file in the folder is called app.py or mentions Flask, and no package of it (a "
                f"folder with __init__.py) does. Put the app in app.py.{by_hand(f'{folder}/file.py')}"
            )
        # Flask's own tutorial layout, run as `flask --app flaskr run`: the package, imported from the folder.
        os.chdir(folder)
        return find_app(_import_module(package, folder, f"{package}/__init__.py"), None, package)
    errors: list[str] = []
    found: list[tuple[Callable[..., Any], str]] = []
    for candidate in candidates:
        try:
            module = import_file(candidate)
            # Finding the app imports Flask, which a file of theirs can break (a werkzeug.py of their own)
            found.append(_guarded(candidate.name, functools.partial(find_app, module, None, candidate.name)))
        except LoadError as error:
            errors.append(str(error))
        if found and candidate.name in CONVENTIONAL_FILES:
            break
    if len(found) == 1 or (found and found[0][1].split(":")[0] in CONVENTIONAL_FILES):
        return found[0]
    if len(found) > 1:
        names = ", ".join(description for _, description in found)
        raise LoadError(
            f"the folder has several Flask apps ({names}) and no app.py. Put the one to grade in app.py."
            f"{by_hand(folder / found[0][1].split(':')[0])}"
        )
    raise LoadError(
        errors[0] if len(errors) == 1 else f"no Flask app could be loaded from {folder}: " + " | ".join(errors)
    )


def flask_package(folder: Path) -> str | None:
    """The first package directly in ``folder`` (by name) whose ``__init__.py`` mentions Flask."""
    for init in sorted(folder.glob("*/__init__.py")):
        if init.parent.name.isidentifier() and init.is_file() and _mentions_flask(init):
            return init.parent.name
    return None


def _mentions_flask(path: Path) -> bool:
    try:
        with path.open("rb") as source:
            return b"flask" in source.read(1 << 20).lower()
    except OSError:
        return False


def folder_candidates(folder: Path) -> list[Path]:
    """Top-level ``.py`` files with a conventional name or that mention Flask, conventional names first."""
    files = sorted(path for path in folder.glob("*.py") if path.is_file())
    flask_files = [path for path in files if path.name in CONVENTIONAL_FILES or _mentions_flask(path)]
    return sorted(
        flask_files,
        key=lambda path: (
            CONVENTIONAL_FILES.index(path.name) if path.name in CONVENTIONAL_FILES else len(CONVENTIONAL_FILES),
            path.name,
        ),
    )
