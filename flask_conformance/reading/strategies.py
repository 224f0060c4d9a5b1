"""Hypothesis strategies for the names the spec sends, in one place."""

from __future__ import annotations

import functools

from hypothesis import strategies as st

from ..data.encoding import FORM_CONTENT_TYPE, encode_fields, encode_multipart
from ..data.exchange import Request
from ..data.exercise import LESSON, in_exercise

# Characters the lesson's URL handling is most likely to get wrong, and text
# that looks like an escape already: an f-string Location fails on these.
TRICKY_CHARACTERS = "?#%+&= ;:@$,'\"<>\\~^`|{}[]!*()\t"
LOOKALIKE_ESCAPES = ("%20", "%2F", "%25", "%3F", "%23", "%2e", "+", "&amp;", "&lt;b&gt;", "%C3%AB")
LONG_NAME = 200  # POLICY.md: names must reach at least 200 characters
NON_ASCII_SAMPLES = ("Zoë", "日本", "Ωmega", "ñandú", "emoji 😀", "ß", "İ", "\u00a0", "\u200b")


def what_is_special(name: str) -> str:
    """What sets a failing name apart from a plain one, in a student's words ("" for a plain name)."""
    found = []
    if len(name) >= LONG_NAME:
        found.append(f"{len(name)} characters")
    if name != name.strip():
        found.append("a space at an end")
    elif " " in name:
        found.append("a space")
    marks = sorted({character for character in name if character in TRICKY_CHARACTERS and character not in " \t"})
    found += [f"`{mark}`" for mark in marks[:6]]
    if any(ord(character) > 127 for character in name):
        found.append("letters beyond ASCII")
    return f"it has {', '.join(found)}" if found else ""


def routable(name: str) -> str:
    """A lone ``.`` or ``..`` is removed from a URL by normalisation: make it a routable name.

    A map, not a filter: Hypothesis pays for every rejected example, and this
    strategy runs hundreds of times for every submission.
    """
    return name + "_" if name in (".", "..") else name


def _surround(before: str, word: str, after: str) -> str:
    return before + word + after


def _stretched(run: str, extra: int) -> str:
    """``run`` repeated to ``LONG_NAME + extra`` characters."""
    length = LONG_NAME + extra
    return (run * (length // len(run) + 1))[:length]


@functools.cache  # built once: composites draw it on every example, and building it costs more than drawing
def names() -> st.SearchStrategy[str]:
    """Non-empty names that survive URL normalisation: any text but ``/``, ``.`` and ``..``.

    Characters come from the tricky URL characters and a few letters as often
    as from the whole of Unicode (surrogates excluded: they cannot be sent as
    UTF-8); a quarter also carry a look-alike escape (``%20``, ``&amp;``) or a
    non-ASCII word inside, and half run to 200-260 characters, half of those
    made of the tricky characters alone (a page that cuts names short fails).
    Shrinks towards short ASCII names.
    """
    alphabet = st.one_of(
        st.sampled_from(TRICKY_CHARACTERS + "abcAZ09é日"),
        st.characters(exclude_categories=["Cs"], exclude_characters="/"),
    )
    plain = st.text(alphabet=alphabet, min_size=1, max_size=16)
    with_word = st.builds(
        _surround,
        st.text(alphabet=alphabet, max_size=4),
        st.sampled_from(LOOKALIKE_ESCAPES + NON_ASCII_SAMPLES),
        st.text(alphabet=alphabet, max_size=4),
    )
    # A long name is a drawn run of characters repeated to its length: drawing 200 characters one by one
    # was most of what generating names cost, for every submission.
    long = st.builds(_stretched, st.text(alphabet=alphabet, min_size=1, max_size=24), st.integers(0, 60))
    long_tricky = st.builds(
        _stretched,
        st.text(alphabet=st.sampled_from(TRICKY_CHARACTERS + "%é日"), min_size=1, max_size=24),
        st.integers(0, 40),
    )
    return st.one_of(plain, with_word, long, long_tricky).map(routable)


def name_batches(size: int = 8) -> st.SearchStrategy[list[str]]:
    """Up to ``size`` distinct names per example: each example pays Hypothesis's overhead once for
    several round trips. A failing batch shrinks to the one smallest failing name."""
    return st.lists(names(), min_size=1, max_size=size, unique=True)


UNROUTABLE_NAMES = ("/", ".", "..", "a/../b", "a//b", "a/b", "/a", "a/", "./a", "%2e%2e/x")


def any_names() -> st.SearchStrategy[str]:
    """Every non-empty name, unroutable ones included: ``/`` inside, ``.`` and ``..`` alone.

    Shrinks towards the shortest trap, such as ``/`` or ``.``.
    """
    slashes_and_dots = st.text(alphabet="/.a%2e", min_size=1, max_size=8)
    return st.one_of(st.sampled_from(UNROUTABLE_NAMES), slashes_and_dots, names())


HTTP_METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "PROPFIND", "BREW")
PATHS = ("/login", "/login/", "/success/x", "/success/", "/success/%FF", "/success/%00", "/", "/LOGIN")


def paths() -> st.SearchStrategy[str]:
    """Paths: the routes and their near misses, then ``/success/`` with any escaped name, then any path."""
    return st.one_of(
        st.sampled_from(PATHS),
        names().map(LESSON.success_path),  # the lesson's terms: in_exercise sends them in the exercise's
        st.text(alphabet="/.%aFx0-_~", max_size=12).map(lambda path: "/" + path),
    )


@st.composite
def raw_bodies(draw: st.DrawFn) -> tuple[bytes, str | None]:
    """A body and its Content-Type: urlencoded, multipart, JSON, empty, or bytes that are not UTF-8."""
    value = draw(st.one_of(names(), st.just(""), st.text(max_size=40)))
    kind = draw(
        st.sampled_from(
            [
                "urlencoded",
                "duplicate",
                "multipart",
                "broken-multipart",
                "json",
                "latin-1",
                "binary",
                "oversized",
                "none",
            ]
        )
    )
    if kind == "urlencoded":
        from urllib.parse import quote

        return f"nm={quote(value)}".encode(), FORM_CONTENT_TYPE
    if kind == "oversized":
        size = draw(st.sampled_from([10_240, 65_536]))
        return b"nm=" + (value.encode() or b"x") * (size // max(1, len(value.encode()))), (FORM_CONTENT_TYPE)

    if kind == "duplicate":
        return b"nm=a&nm=b&nm=", FORM_CONTENT_TYPE
    if kind == "multipart":
        return (
            b'--B\r\nContent-Disposition: form-data; name="nm"\r\n\r\n' + value.encode() + b"\r\n--B--\r\n",
            "multipart/form-data; boundary=B",
        )
    if kind == "broken-multipart":
        return b"--B\r\nContent-Disposition: form-data\r\n", "multipart/form-data; boundary=B"
    if kind == "json":
        import json

        return json.dumps({"nm": value}).encode(), "application/json"
    if kind == "latin-1":
        return b"nm=Zo\xeb%FF%C3", FORM_CONTENT_TYPE
    if kind == "binary":
        return draw(st.binary(max_size=64)), draw(st.sampled_from(["application/octet-stream", "text/plain", None]))
    return b"", None


def query_strings() -> st.SearchStrategy[str]:
    """Raw query strings: none, empty nm, a name, duplicates, invalid escapes and invalid UTF-8."""
    return st.one_of(
        st.sampled_from(
            ["", "nm", "nm=", "nm=a&nm=b", "nm=%FF", "nm=%", "nm=%zz", "nm=%C3", "x=1", "nm=" + "x" * 12000]
        ),
        names().map(lambda name: encode_fields([("nm", name)])),
    )


OTHER_FIELDS = (("lang", "en"), ("x", "1"), ("submit", "submit"), ("NM", "other"), ("nm_", "other"))


def _fields(draw: st.DrawFn) -> list[tuple[str, str]]:
    """``nm`` with a generated name, and up to two other fields, before or after it."""
    fields = [("nm", draw(names())), *draw(st.lists(st.sampled_from(OTHER_FIELDS), max_size=2, unique=True))]
    return fields[::-1] if draw(st.booleans()) else fields


@st.composite
def _login_by_post(draw: st.DrawFn) -> Request:
    fields = _fields(draw)
    query = draw(st.sampled_from(["", "nm=somebody-else", "x=1"]))
    if draw(st.booleans()):
        body, content_type = encode_multipart(dict(fields))
    else:
        body, content_type = encode_fields(fields).encode(), FORM_CONTENT_TYPE
    return Request("POST", "/login", query, (("Content-Type", content_type),), body)


@st.composite
def _login_by_get(draw: st.DrawFn) -> Request:
    fields = _fields(draw)
    method = draw(st.sampled_from(["GET", "HEAD"]))
    if draw(st.booleans()):
        return Request(method, "/login", encode_fields(fields))
    return Request(method, "/login", encode_fields(fields), (("Content-Type", FORM_CONTENT_TYPE),), b"nm=somebody-else")


@st.composite
def _welcome(draw: st.DrawFn) -> Request:
    return Request(draw(st.sampled_from(["GET", "HEAD"])), LESSON.success_path(draw(names())))


@st.composite
def _other_methods(draw: st.DrawFn) -> Request:
    path = draw(st.sampled_from(["/login", "/success/x"]))
    others = ["PUT", "DELETE", "PATCH", "OPTIONS"] + (["POST"] if path != "/login" else [])
    return Request(draw(st.sampled_from(others)), path)


@st.composite
def _missing_name(draw: st.DrawFn) -> Request:
    query = draw(st.sampled_from(["", "nm=", "x=1", "nm"]))
    if draw(st.booleans()):
        return Request("GET", "/login", query)
    body = draw(st.sampled_from([b"", b"nm=", b"x=1"]))
    return Request("POST", "/login", query, (("Content-Type", FORM_CONTENT_TYPE),), body)


def probes(profile: str) -> st.SearchStrategy[Request]:
    """Requests whose answer the profile fixes up to what POLICY.md lets differ (see ``comparison``).

    The listed requirements' kinds of request, varied where they are not: other
    fields beside ``nm`` and in either order, a stray query or body, every
    method on both routes, longer names. Shrinks to the simplest request.
    """
    kinds = [_welcome(), _login_by_get(), _login_by_post(), _other_methods()]
    if profile != "tutorial":
        kinds.append(_missing_name())
    return st.one_of(*kinds).map(in_exercise)  # written in the lesson's terms, sent in the exercise's
