"""``flask-conformance gradescope``: a Gradescope autograder bundle. The zip holds ``setup.sh`` (installs
bubblewrap and the kit from the wheel it carries, its dependencies pinned), ``run_autograder`` (grades
``/autograder/submission`` into ``/autograder/results/results.json`` with the kit's isolation), the wheel,
``requirements.txt`` and the rubric, if any."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import zipfile
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

import jinja2
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("flask_conformance", "templates/gradescope"),
    autoescape=False,  # shell scripts: the values are the kit's own (a profile name, a wheel's file name)
    keep_trailing_newline=True,
    undefined=jinja2.StrictUndefined,
)
CHECKOUT = Path(__file__).resolve().parents[2]  # where pyproject.toml is, when the kit runs from its sources


class BundleError(ValueError):
    """The bundle cannot be built as asked: the instructor's mistake, exit 2."""


def pinned_requirements(package: str = "flask-conformance") -> list[str]:
    """``name==version`` for every distribution ``package`` needs here, transitively, markers evaluated: the
    versions the bundle was built and tested with."""
    pins: dict[str, str] = {}
    pending = [package]
    while pending:
        name = pending.pop()
        try:
            found = distribution(name)
        except PackageNotFoundError:
            continue  # a dependency for another platform
        for text in found.requires or []:
            requirement = Requirement(text)
            if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
                continue
            key = canonicalize_name(requirement.name)
            if key not in pins:
                try:
                    pins[key] = distribution(requirement.name).version
                except PackageNotFoundError:
                    continue
                pending.append(requirement.name)
    return [f"{name}=={version}" for name, version in sorted(pins.items())]


def build_wheel(into: Path) -> Path:
    """The kit's wheel, built from the checkout it runs from."""
    if not (CHECKOUT / "pyproject.toml").is_file():
        raise BundleError("the kit is not running from its sources: give the wheel to bundle with --wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(into), str(CHECKOUT)],
        check=True,
        capture_output=True,
    )
    return next(into.glob("flask_conformance-*.whl"))


def build_bundle(out: Path, profile: str, rubric: Path | None, wheel: Path | None) -> Path:
    with tempfile.TemporaryDirectory() as temporary:
        wheel = wheel or build_wheel(Path(temporary))
        if not wheel.name.startswith("flask_conformance-") or wheel.suffix != ".whl":
            raise BundleError(f"{wheel} is not a wheel of flask-conformance")
        scripts = {
            "setup.sh": _TEMPLATES.get_template("setup.sh").render(wheel=wheel.name),
            "run_autograder": _TEMPLATES.get_template("run_autograder").render(profile=profile, rubric=bool(rubric)),
        }
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bundle:
            for name, text in scripts.items():
                entry = zipfile.ZipInfo(name)
                entry.external_attr = 0o100755 << 16  # executable, as Gradescope runs them
                bundle.writestr(entry, text)
            bundle.writestr("requirements.txt", "\n".join(pinned_requirements()) + "\n")
            bundle.write(wheel, wheel.name)
            if rubric is not None:
                bundle.write(rubric, "rubric.toml")
    return out
