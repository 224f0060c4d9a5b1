"""What a spec test holds: a way to send requests to the target, and to fail in a student's words."""

from __future__ import annotations

from collections.abc import Callable
from typing import NoReturn
from urllib.parse import urlsplit

from ..data.curl import curl_line, describe, excerpt
from ..data.encoding import FORM_CONTENT_TYPE, encode_fields, encode_multipart
from ..data.exchange import Exchange, Request, Response
from ..data.exercise import Exercise, current
from ..reading.urls import name_in_path, resolve, same_origin
from ..transports.transport import Transport

# What a failure message quotes is bounded, and with it every report (see ``excerpt``), with room for the
# longest sentence and curl line a fair check writes (two quotes of a 3 KB percent-encoded name at most).
SENTENCE_SHOWN = 8000
CURL_SHOWN = 16000


class ConformanceFailure(AssertionError):
    """A check that failed; its text is the whole message a student sees. ``request_is_the_example``: the
    generated example is the request its curl line shows, so Hypothesis's spelling of it would only repeat
    it (or contradict it, once the request is shortened)."""

    def __init__(self, text: str, *, request_is_the_example: bool = False) -> None:
        super().__init__(text)
        self.request_is_the_example = request_is_the_example


class Client:
    """Sends requests to the target on behalf of one requirement."""

    def __init__(self, transport: Transport, requirement_id: str) -> None:
        self.transport = transport
        self.requirement_id = requirement_id

    @property
    def base_url(self) -> str:
        return self.transport.base_url

    @property
    def exercise(self) -> Exercise:
        """The exercise's parts: its field, routes, greeting and form page (the lesson's by default)."""
        return current()

    @property
    def success_prefix(self) -> str:
        return urlsplit(self.base_url).path.rstrip("/") + self.exercise.success_prefix

    def send(
        self,
        method: str,
        path: str,
        *,
        query: dict[str, str] | None = None,
        form: dict[str, str] | None = None,
        multipart: dict[str, str] | None = None,
        body: bytes = b"",
        headers: tuple[tuple[str, str], ...] = (),
    ) -> Exchange:
        """Send one request; ``query`` and ``form`` values are encoded the way a browser does."""
        query_string = encode_fields(query.items()) if query else ""
        if form is not None:
            body = encode_fields(form.items()).encode()
            headers += (("Content-Type", FORM_CONTENT_TYPE),)
        elif multipart is not None:
            body, content_type = encode_multipart(multipart)
            headers += (("Content-Type", content_type),)
        return self.send_raw(method, path, query=query_string, body=body, headers=headers)

    def send_raw(
        self, method: str, path: str, *, query: str = "", body: bytes = b"", headers: tuple[tuple[str, str], ...] = ()
    ) -> Exchange:
        """Send one request exactly as given: ``path`` and ``query`` already percent-encoded."""
        return self._exchange(Request(method, path, query, headers, body))

    def _exchange(self, request: Request) -> Exchange:
        """Carry one request; no check passes without an answer, so a missing one fails here."""
        exchange = Exchange(self.base_url, request, self.transport.handle_request(request))
        if not exchange.response.answered:
            self.fail(f"{request.method} {request.path} should get an answer", exchange)
        return exchange

    def shortest_alike(self, exchange: Exchange, fails: Callable[[Response], bool]) -> Exchange:
        """The shortest request that still ``fails`` as ``exchange`` did: its body and its query string
        dropped where they have no bearing on the failure, so that the curl line a student is shown holds
        only what matters. The shortest candidate first; ``exchange`` itself when nothing can go."""
        request = exchange.request
        bare_headers = tuple((key, value) for key, value in request.headers if key.lower() != "content-type")
        candidates = [
            Request(request.method, request.path, "", bare_headers, b""),
            Request(request.method, request.path, request.query, bare_headers, b""),
            Request(request.method, request.path, "", request.headers, request.body),
        ]
        for candidate in candidates:
            if len(candidate.query) + len(candidate.body) < len(request.query) + len(request.body):
                response = self.transport.handle_request(candidate)
                if fails(response):
                    return Exchange(self.base_url, candidate, response)
        return exchange

    def login(self, method: str, name: str) -> Exchange:
        """The lesson's flow: ``nm`` in the form for POST, in the query string for GET."""
        field, login = self.exercise.field, self.exercise.login
        if method == "POST":
            return self.send("POST", login, form={field: name})
        return self.send(method, login, query={field: name})

    def location(self, exchange: Exchange) -> str | None:
        """The redirect's Location resolved against the request URL, as a browser resolves it."""
        location = exchange.response.header("Location")
        return None if location is None else resolve(exchange.url, location)

    @staticmethod
    def redirects(exchange: Exchange) -> bool:
        """Any redirect with a Location: REDIRECT-STATUS alone judges which 3xx it is (POLICY.md)."""
        return 300 <= exchange.response.status < 400 and exchange.response.header("Location") is not None

    def redirected_name(self, exchange: Exchange) -> str | None:
        """The name in the ``/success/<name>`` URL a redirect points at, or None."""
        target = self.location(exchange)
        if target is None or not same_origin(target, self.base_url):
            return None
        return name_in_path(target, self.success_prefix)

    def follow(self, exchange: Exchange) -> Exchange | None:
        """GET the resolved Location, when it points into the target."""
        target = self.location(exchange)
        root = urlsplit(self.base_url).path.rstrip("/")
        if target is None or not same_origin(target, self.base_url):
            return None
        parts = urlsplit(target)
        if not parts.path.startswith(root + "/"):
            return None
        return self._exchange(Request("GET", parts.path[len(root) :], parts.query))

    def require_routes(self, *paths: str) -> None:
        """Fail unless each of the lesson's routes exists (``login``, ``success``): a check that an app
        with no routes at all would pass (a HEAD mirroring a 404, a 404 taken for a refusal) earns
        nothing without them (POLICY.md, "Points are fair")."""
        requests = {"login": lambda: self.login("GET", "alice"), "success": lambda: self.welcome("alice")}
        for path in paths:
            exchange = requests[path]()
            if exchange.response.status == 404:
                route = self.exercise.login if path == "login" else self.exercise.success
                self.fail(f"the lesson's {route} route should exist before this can be checked", exchange)

    def welcome(self, name: str) -> Exchange:
        return self.send("GET", self.exercise.success_path(name))

    def fail(
        self,
        expected: str,
        exchange: Exchange | None = None,
        got: str | None = None,
        *,
        request_is_the_example: bool = False,
    ) -> NoReturn:
        """End the check with a message in the student's terms.

        ``expected`` is the lesson's expectation as a sentence; what came back is
        described from the exchange unless ``got`` says it.
        """
        lines = [f"{self.requirement_id}: {excerpt(expected.rstrip('.'), SENTENCE_SHOWN)}."]
        if exchange is not None:
            lines[0] += f" It got: {excerpt(got or describe(exchange.response), SENTENCE_SHOWN)}."
            if exchange.response.raised is not None:
                lines += [f"    {line}" for line in exchange.response.raised.lines()]
            lines.append(f"    {excerpt(curl_line(exchange), CURL_SHOWN)}")
        elif got:
            lines[0] += f" It got: {excerpt(got, SENTENCE_SHOWN)}."
        raise ConformanceFailure("\n".join(lines), request_is_the_example=request_is_the_example)
