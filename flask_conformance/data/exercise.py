"""The exercise being graded: the lesson's parts by default, or the instructor's variant of them (the
rubric's ``[exercise]`` table). Every check, message, lock and browser walk asks it for the field, the
routes, the greeting and the form page instead of spelling the lesson's."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from .exchange import Request

NAME = "<name>"
_FIELD = re.compile(r"[A-Za-z_][\w.-]{0,63}")
_PATH = re.compile(r"/[\w./~-]*")
_FORM = re.compile(r"[\w.-]{1,64}\.html?")


class ExerciseError(ValueError):
    """A part of the exercise that no app could serve; the text names it."""


@dataclass(frozen=True)
class Exercise:
    field: str = "nm"  # the name's field, in the form and in the query string
    login: str = "/login"  # the route that reads it, for GET and POST
    success: str = "/success/<name>"  # the page it redirects to, the name in one path segment
    greeting: str = "welcome"  # what that page says before the name
    form: str = "login.html"  # the page with the form

    def __post_init__(self) -> None:
        if not _FIELD.fullmatch(self.field):
            raise ExerciseError(f"field {self.field!r} is not a form field's name (letters, digits, _ . -)")
        if not _PATH.fullmatch(self.login) or self.login == "/":
            raise ExerciseError(f"login {self.login!r} is not a route: a path such as '/login'")
        before, found, after = self.success.partition(NAME)
        if not found or after or not _PATH.fullmatch(before) or not before.endswith("/") or before == "/":
            raise ExerciseError(
                f"success {self.success!r} is not a route that ends with its <name> segment: '/success/<name>'"
            )
        if not self.greeting.strip() or "\n" in self.greeting:
            raise ExerciseError(f"greeting {self.greeting!r} is not a word or a phrase on one line")
        if not _FORM.fullmatch(self.form):
            raise ExerciseError(f"form {self.form!r} is not an .html file's name, such as 'login.html'")

    @property
    def success_prefix(self) -> str:
        """The welcome page's path up to the name: ``/success/``."""
        return self.success.partition(NAME)[0]

    def success_path(self, name: str) -> str:
        """The welcome page's path for ``name``, the name in one escaped segment (as ``url_for`` builds it)."""
        return self.success_prefix + quote(name, safe="")

    def words(self, text: str) -> str:
        """The kit's own text written in the lesson's terms (a requirement's title, a hint), in the exercise's.
        Only for the kit's words: a submission's text is never rewritten."""
        if self == LESSON:
            return text
        text = self._routes_and_field(text, lambda part: part)
        return text.replace("welcome <name>", self.greets("<name>")).replace("'welcome %s'", f"'{self.greeting} %s'")

    def pattern(self, pattern: str) -> str:
        """A regular expression the kit wrote in the lesson's terms (a mistake's sign), in the exercise's."""
        if self == LESSON:
            return pattern
        pattern = self._routes_and_field(pattern, re.escape)
        return re.sub(r"\bwelcome\b", lambda _: re.escape(self.greeting), pattern)

    def _routes_and_field(self, text: str, escape: Callable[[str], str]) -> str:
        text = text.replace("/success/<name>", escape(self.success)).replace("/success/", escape(self.success_prefix))
        text = text.replace("login.html", escape(self.form)).replace("/login", escape(self.login))
        return re.sub(r"\bnm\b", lambda _: escape(self.field), text)

    def greets(self, name: str) -> str:
        """What the welcome page says: ``welcome alice``."""
        return f"{self.greeting} {name}"


LESSON = Exercise()

_current = LESSON


def current() -> Exercise:
    """The exercise of this grading process: set once per spec run, from its rubric (the plugin's configure),
    like a locale. A batch grades each submission in a process of its own."""
    return _current


def use(exercise: Exercise) -> None:
    global _current
    _current = exercise


_LESSON_FIELD = re.compile(r"(?:(?<=^)|(?<=&))nm(?=[=&]|$)")
_LESSON_MULTIPART_FIELD = re.compile(rb'(name=")nm(")')


def in_exercise(request: Request, exercise: Exercise | None = None) -> Request:
    """A request written in the lesson's terms (``/login``, ``/success/...``, the field ``nm``) as the same
    request in the exercise's: a behaviour lock's corpus and the differential probes are written once, for
    every variant. The lesson's own exercise leaves it as it is, byte for byte."""
    exercise = exercise or current()
    if exercise == LESSON:
        return request
    path = request.path
    if path == LESSON.login:
        path = exercise.login
    elif path.startswith(LESSON.success_prefix):
        path = exercise.success_prefix + path.removeprefix(LESSON.success_prefix)
    query = _LESSON_FIELD.sub(exercise.field, request.query)
    body = request.body
    if body:
        if (request.header("Content-Type") or "").startswith("multipart/form-data"):
            body = _LESSON_MULTIPART_FIELD.sub(rb"\g<1>" + exercise.field.encode() + rb"\g<2>", body)
        else:
            body = _LESSON_FIELD.sub(exercise.field, body.decode("latin-1")).encode("latin-1")
    return Request(request.method, path, query, request.headers, body)
