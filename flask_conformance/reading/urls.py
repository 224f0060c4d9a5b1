"""Following a Location the way a browser does, and reading the name back out of it."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit, urlunsplit

_SINGLE_DOTS = {".", "%2e"}
_DOUBLE_DOTS = {"..", ".%2e", "%2e.", "%2e%2e"}


def remove_dot_segments(path: str) -> str:
    """RFC 3986 §5.2.4, with the WHATWG URL rule that ``%2e`` counts as a dot."""
    output: list[str] = []
    segments = path.split("/")
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        lowered = segment.lower()
        if lowered in _SINGLE_DOTS:
            if last:
                output.append("")
        elif lowered in _DOUBLE_DOTS:
            if len(output) > 1:
                output.pop()
            if last:
                output.append("")
        else:
            output.append(segment)
    resolved = "/".join(output)
    return resolved if resolved.startswith("/") else "/" + resolved


def resolve(base_url: str, location: str) -> str | None:
    """The absolute URL a browser goes to when ``base_url`` redirects to ``location``, or None for a
    Location no browser can follow (``http://[oops``, a port out of range): the redirect leads nowhere.

    RFC 3986 §5.2.2 over ``urlsplit``: ``urllib.parse.urljoin`` splits off
    ``;params`` and drops a trailing ``;``, so ``/success/&amp;`` came back as
    ``/success/&amp``. The fragment is dropped: it never reaches the server.
    """
    try:
        reference = urlsplit(location.strip())
        reference.port  # noqa: B018 - raises ValueError for a port that is no number or out of range
    except ValueError:
        return None
    base = urlsplit(base_url)
    if reference.scheme:
        scheme, netloc, path, query = reference.scheme, reference.netloc, reference.path, reference.query
    elif reference.netloc:
        scheme, netloc, path, query = base.scheme, reference.netloc, reference.path, reference.query
    else:
        scheme, netloc = base.scheme, base.netloc
        if not reference.path:
            path, query = base.path, reference.query if "?" in location else base.query
        elif reference.path.startswith("/"):
            path, query = reference.path, reference.query
        else:
            directory = base.path[: base.path.rfind("/") + 1] if base.path else "/"
            path, query = directory + reference.path, reference.query
    return urlunsplit((scheme, netloc, remove_dot_segments(path or "/"), query, ""))


def same_origin(first: str, second: str) -> bool:
    try:
        a, b = urlsplit(first), urlsplit(second)
        return (a.scheme, a.hostname, a.port) == (b.scheme, b.hostname, b.port)
    except ValueError:  # an address no browser can reach is no origin
        return False


def name_in_path(url: str, prefix: str) -> str | None:
    """The name a ``/success/<name>`` URL carries, decoded, or None for another path."""
    path = urlsplit(url).path
    if not path.startswith(prefix):
        return None
    return unquote(path[len(prefix) :], encoding="utf-8", errors="replace")
