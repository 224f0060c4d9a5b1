"""Differential testing: the same request to the target and to a reference, answers compared."""

from __future__ import annotations

from ..data.curl import curl_line, describe
from ..data.exchange import Exchange, Request
from ..reading.comparison import observe, side_by_side
from ..transports.transport import Transport
from .client import Client, ConformanceFailure


class Differential:
    """Sends each request to both, and fails on the first answer that differs in what the policy fixes."""

    def __init__(self, client: Client, reference: Transport, reference_name: str, profile: str) -> None:
        self.client = client
        self.reference = reference
        self.reference_name = reference_name
        self.profile = profile

    def compare(self, request: Request) -> None:
        mine = Exchange(self.client.base_url, request, self.client.transport.handle_request(request))
        theirs = Exchange(self.reference.base_url, request, self.reference.handle_request(request))
        observed, expected = observe(mine, self.profile), observe(theirs, self.profile)
        if observed == expected:
            return
        table = "\n".join("        " + line for line in side_by_side(observed, expected))
        raise ConformanceFailure(
            f"{self.client.requirement_id}: {request.method} {request.target} should be answered as the reference "
            f"of the {self.profile} profile ({self.reference_name}) answers it, up to what POLICY.md lets differ. "
            "The answers differ:\n"
            f"    target:    {curl_line(mine)}\n"
            f"               -> {describe(mine.response)}\n"
            f"    reference: {curl_line(theirs)}\n"
            f"               -> {describe(theirs.response)}\n"
            f"    compared as:\n{table}"
        )
