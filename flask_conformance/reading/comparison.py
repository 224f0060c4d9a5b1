"""Two answers to the same request, compared only where POLICY.md lets them differ.

What is normalised, and nothing else: 302 and 303 are one status; any 4xx but
405 is a refusal; ``Allow`` is a set; a Location is resolved the way a browser
resolves it and its path read back percent-decoded; a welcome page is reduced
to whether it shows ``welcome <name>`` (as sent, decoded or rendered under
``tutorial``; as rendered under ``robust``, where markup must be escaped).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from urllib.parse import unquote, urlsplit

from ..data.exchange import Exchange, parse_allow
from ..data.exercise import current
from .pages import rendered_text, shows_welcome
from .urls import name_in_path, resolve


@dataclass(frozen=True)
class Observation:
    """What of an answer the policy fixes."""

    status: str
    location: str = ""
    allow: str = ""
    page: str = ""
    body: str = ""


def _status(status: int) -> str:
    if status in (302, 303):
        return "302/303 redirect"
    if 400 <= status < 500 and status != 405:
        return "4xx refusal"
    return str(status) if status else "no answer"


def _location(exchange: Exchange) -> str:
    location = exchange.response.header("Location")
    if location is None:
        return ""
    resolved = resolve(exchange.url, location)
    if resolved is None:
        return f"unfollowable {location!r}"
    target = urlsplit(resolved)
    here = urlsplit(exchange.url)
    origin = (
        "" if (target.scheme, target.netloc) == (here.scheme, here.netloc) else f"{target.scheme}://{target.netloc}"
    )
    root = here.path[: len(here.path) - len(exchange.request.path)]
    path = target.path[len(root) :] if not origin and target.path.startswith(root + "/") else target.path
    segments = [unquote(segment, errors="replace") for segment in path.split("/")]
    return (
        origin
        + "/".join(repr(segment)[1:-1] if segment else "" for segment in segments)
        + ("?" + target.query if target.query else "")
    )


def _page(exchange: Exchange, profile: str) -> str:
    request, response = exchange.request, exchange.response
    name = name_in_path(request.path, current().success_prefix)
    if request.method != "GET" or response.status != 200 or name is None:
        return ""
    body = response.text
    shown = shows_welcome(rendered_text(body), name) if profile != "tutorial" else shows_welcome(body, name)
    return f"{'shows' if shown else 'does not show'} '{current().greets(name)}'"


def observe(exchange: Exchange, profile: str) -> Observation:
    response = exchange.response
    if not response.answered:
        return Observation("no answer")
    allow = ""
    if response.status == 405 or exchange.request.method == "OPTIONS":
        allow = ", ".join(sorted(parse_allow(response.header("Allow")))) or "(none)"
    body = ("empty" if not response.body else "not empty") if exchange.request.method == "HEAD" else ""
    return Observation(_status(response.status), _location(exchange), allow, _page(exchange, profile), body)


def side_by_side(target: Observation, reference: Observation) -> list[str]:
    """The fields of two observations in two columns, the differing ones marked."""
    rows = [("", "target", "reference")]
    for field in fields(Observation):
        mine, theirs = getattr(target, field.name), getattr(reference, field.name)
        if mine or theirs:
            rows.append((("≠ " if mine != theirs else "  ") + field.name, mine or "-", theirs or "-"))
    widths = [max(len(row[column]) for row in rows) for column in range(2)]
    return [f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]}".rstrip() for row in rows]
