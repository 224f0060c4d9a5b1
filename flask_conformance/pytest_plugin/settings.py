"""The plugin's settings, each read from the command line, the environment or the ini file.

Precedence is command line > environment > ini > default, and an invalid value
is reported with the source it came from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ..data.requirements import PROFILES

ENV_PREFIX = "FLASK_CONFORMANCE_"


def profile_name(value: str) -> str:
    """A profile of requirements.py; the name argparse shows for a bad value."""
    if value not in PROFILES:
        raise ValueError(value)
    return value


def results_format_name(value: str) -> str:
    """A format results_json.py writes (imported here only when a value is given: it pulls in Jinja)."""
    from ..grading.results_json import RESULT_FORMATS

    if value not in RESULT_FORMATS:
        raise ValueError(value)
    return value


def positive_integer(value: str) -> int:
    number = int(value)
    if number <= 0:
        raise ValueError(value)
    return number


def positive_seconds(value: str) -> float:
    number = float(value)
    if not number > 0:  # also refuses nan
        raise ValueError(value)
    return number


@dataclass(frozen=True)
class Option:
    name: str
    help: str
    default: str | None
    switch: bool = False  # a flag without a value on the command line
    bare: str | None = None  # what the flag means given without its value
    prefixed: bool = False  # a name a well-known plugin already uses: --conformance-<name>
    type: Callable[[str], Any] | None = None  # argparse checks a command-line value with it, as pytest-timeout does

    @property
    def flag(self) -> str:
        return "--" + ("conformance-" if self.prefixed else "") + self.name.replace("_", "-")

    @property
    def dest(self) -> str:
        """Where argparse keeps it: prefixed, so that no other plugin's option shares it."""
        return "conformance_" + self.name

    @property
    def ini(self) -> str:
        return "conformance_" + self.name

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.name.upper()


OPTIONS = (
    Option(
        "target",
        "what to grade: a .py file, a submission folder, module:attr, module:factory() "
        "or an http(s):// URL (default: the robust reference)",
        None,
    ),
    Option(
        "profile",
        "which requirements to check: tutorial (what the lesson documents) or robust "
        "(tutorial plus what the lesson leaves broken); default tutorial",
        "tutorial",
        prefixed=True,  # pytest-profiling has --profile
        type=profile_name,
    ),
    Option(
        "in_process",
        "import the target into the grader instead of a sandboxed child: only for "
        "trusted code; faster for a student checking their own app",
        "false",
        switch=True,
    ),
    Option(
        "examples",
        "Hypothesis examples per property; a name property sends a batch of up to 8 names "
        "per example (default 25: about 130 generated names per property)",
        "25",
        type=positive_integer,
    ),
    Option(
        "request_timeout", "seconds a target may take to answer one request (default 5)", "5", type=positive_seconds
    ),
    Option(
        "startup_timeout", "seconds a sandboxed target may take to import (default 10)", "10", type=positive_seconds
    ),
    Option(
        "time_limit",
        "seconds the whole run may spend on the target; checks that would run later fail, saying so, "
        "and the results of those that finished are kept (default 300)",
        "300",
        type=positive_seconds,
    ),
    Option("results", "write the results here, as --results-format says", None),
    Option(
        "results_format",
        "the format of --results: gradescope (Gradescope's results.json, the default) or prairielearn "
        "(PrairieLearn's external-grader results.json, a score from 0 to 1)",
        "gradescope",
        type=results_format_name,
    ),
    Option(
        "artifacts",
        "where screenshots of failed browser checks go (default: beside --results, else ./flask-conformance-artifacts)",
        None,
    ),
    Option("chromium", "the Chromium to drive (default: /usr/bin/chromium, or chromium on PATH)", None),
    Option("rubric", "a TOML rubric overriding points and visibility per requirement", None),
    Option(
        "against",
        "differential testing: send the same generated requests to the target and to REF, any target "
        "(bare --against: the reference of the profile), and report the first divergence",
        None,
        bare="reference",
    ),
    Option("lock", "a behaviour lock: fail on any change of the target's answers to the lock's requests", None),
    Option("update_lock", "rewrite the --lock file with the target's answers, on purpose", "false", switch=True),
)


@dataclass(frozen=True)
class Settings:
    target: str | None
    profile: str
    in_process: bool
    examples: int
    request_timeout: float
    startup_timeout: float
    time_limit: float
    results: Path | None
    results_format: str
    rubric: Path | None
    artifacts: Path
    chromium: str | None
    against: str | None
    lock: Path | None
    update_lock: bool


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("flask-conformance", "grading a Flask 'HTTP methods' app")
    for option in OPTIONS:
        if option.switch:
            group.addoption(
                option.flag, dest=option.dest, action="store_const", const="true", default=None, help=option.help
            )
        elif option.bare is not None:
            group.addoption(
                option.flag,
                dest=option.dest,
                nargs="?",
                const=option.bare,
                default=None,
                help=option.help + f" [env {option.env}]",
            )
        else:
            group.addoption(
                option.flag,
                dest=option.dest,
                type=option.type,
                default=None,
                help=option.help + f" [env {option.env}]",
            )
        parser.addini(option.ini, option.help, default=None)


def read_settings(config: pytest.Config, environ: dict[str, str]) -> Settings:
    def raw(option: Option) -> tuple[str | None, str]:
        value = config.getoption(option.dest)
        if value is not None:
            return str(value), option.flag
        if environ.get(option.env):
            return environ[option.env], option.env
        ini_value = config.getini(option.ini)
        if ini_value:
            return str(ini_value), f"{option.ini} in {config.inipath or 'the ini file'}"
        return option.default, "the default"

    def parsed(name: str, convert: Callable[[str], Any], what: str) -> Any:
        option = next(option for option in OPTIONS if option.name == name)
        value, source = raw(option)
        if value is None:
            return None
        try:
            return convert(value)
        except ValueError:
            raise pytest.UsageError(f"{source} is {value!r}, which is not {what}.") from None

    def boolean(value: str) -> bool:
        if value.lower() not in ("1", "true", "yes", "on", "0", "false", "no", "off"):
            raise ValueError
        return value.lower() in ("1", "true", "yes", "on")

    def reference(value: str) -> str:
        folder = Path(value)
        if folder.is_dir() and any(folder.glob("test_*.py")):
            raise ValueError  # a folder of tests, not an app
        return value

    results = parsed("results", Path, "a path")
    if parsed("update_lock", boolean, "true or false") and parsed("lock", Path, "a path") is None:
        raise pytest.UsageError("--update-lock rewrites the lock file that --lock names: give --lock FILE too.")
    return Settings(
        target=parsed("target", str, "a target"),
        profile=parsed("profile", profile_name, "a profile: choose " + " or ".join(PROFILES)),
        in_process=parsed("in_process", boolean, "true or false"),
        examples=parsed("examples", positive_integer, "a positive whole number"),
        request_timeout=parsed("request_timeout", positive_seconds, "a positive number of seconds"),
        startup_timeout=parsed("startup_timeout", positive_seconds, "a positive number of seconds"),
        time_limit=parsed("time_limit", positive_seconds, "a positive number of seconds"),
        results=results,
        results_format=parsed("results_format", results_format_name, "gradescope or prairielearn"),
        rubric=parsed("rubric", Path, "a path"),
        artifacts=parsed("artifacts", Path, "a path")
        or (results.parent if results is not None else Path("flask-conformance-artifacts")),
        chromium=parsed("chromium", str, "a path"),
        against=parsed(
            "against",
            reference,
            "a target: a bare --against before a test path takes that path as its REF; "
            "put --against last, or write --against=reference",
        ),
        lock=parsed("lock", Path, "a path"),
        update_lock=parsed("update_lock", boolean, "true or false"),
    )
