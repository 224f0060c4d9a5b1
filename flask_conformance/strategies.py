"""Hypothesis strategies for the names the spec sends, in one place."""

from __future__ import annotations

from hypothesis import strategies as st

# Characters the lesson's URL handling is most likely to get wrong, and text
# that looks like an escape already: an f-string Location fails on these.
TRICKY_CHARACTERS = "?#%+&= ;:@$,'\"<>\\~^`|{}[]!*()\t"
LOOKALIKE_ESCAPES = ("%20", "%2F", "%25", "%3F", "%23", "%2e", "+", "&amp;", "&lt;b&gt;", "%C3%AB")
NON_ASCII_SAMPLES = ("Zoë", "日本", "Ωmega", "ñandú", "emoji 😀", "ß", "İ", "\u00a0", "\u200b")


def _routable(name: str) -> str:
    """A lone ``.`` or ``..`` is removed from a URL by normalisation: make it a routable name.

    A map, not a filter: Hypothesis pays for every rejected example, and this
    strategy runs hundreds of times for every submission.
    """
    return name + "_" if name in (".", "..") else name


def _surround(before: str, word: str, after: str) -> str:
    return before + word + after


def names() -> st.SearchStrategy[str]:
    """Non-empty names that survive URL normalisation: any text but ``/``, ``.`` and ``..``.

    Characters come from the tricky URL characters and a few letters as often
    as from the whole of Unicode (surrogates excluded: they cannot be sent as
    UTF-8); half the names also carry a look-alike escape (``%20``, ``&amp;``)
    or a non-ASCII word inside. Shrinks towards short ASCII names.
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
    return st.one_of(plain, with_word).map(_routable)


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


@st.composite
def raw_bodies(draw: st.DrawFn) -> tuple[bytes, str | None]:
    """A body and its Content-Type: urlencoded, multipart, JSON, empty, or bytes that are not UTF-8."""
    value = draw(st.one_of(names(), st.just(""), st.text(max_size=40)))
    kind = draw(
        st.sampled_from(
            ["urlencoded", "duplicate", "multipart", "broken-multipart", "json", "latin-1", "binary", "none"]
        )
    )
    if kind == "urlencoded":
        from urllib.parse import quote

        return f"nm={quote(value)}".encode(), "application/x-www-form-urlencoded"
    if kind == "duplicate":
        return b"nm=a&nm=b&nm=", "application/x-www-form-urlencoded"
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
        return b"nm=Zo\xeb%FF%C3", "application/x-www-form-urlencoded"
    if kind == "binary":
        return draw(st.binary(max_size=64)), draw(st.sampled_from(["application/octet-stream", "text/plain", None]))
    return b"", None


def query_strings() -> st.SearchStrategy[str]:
    """Raw query strings: none, empty nm, a name, duplicates, invalid escapes and invalid UTF-8."""
    from urllib.parse import quote

    return st.one_of(
        st.sampled_from(
            ["", "nm", "nm=", "nm=a&nm=b", "nm=%FF", "nm=%", "nm=%zz", "nm=%C3", "x=1", "nm=" + "x" * 12000]
        ),
        names().map(lambda name: "nm=" + quote(name, safe="")),
    )
