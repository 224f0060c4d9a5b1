"""The fixed request corpus a behaviour lock records: the listed requirements' requests, then a
sample drawn with a fixed seed.

Deterministic without Hypothesis (whose generation may change between
versions), so a lock recorded today replays the same requests tomorrow.
"""

from __future__ import annotations

import random

from ..data.encoding import FORM_CONTENT_TYPE, encode_fields, encode_multipart
from ..data.exchange import Request
from ..data.exercise import LESSON, in_exercise
from .strategies import LOOKALIKE_ESCAPES, NON_ASCII_SAMPLES, TRICKY_CHARACTERS, UNROUTABLE_NAMES, routable

FORM = (("Content-Type", FORM_CONTENT_TYPE),)
SEED = 20261127
LISTED_NAMES = ("alice", "Ann Lee", "a?b", "a#b", "100%", "a+b", "a&nm=b", "%20", "Zoë 日本", "<b>bold", "&amp;")


def _nm(name: str) -> str:
    return encode_fields([("nm", name)])


def _listed() -> list[Request]:
    """One request of each kind the listed requirements send, in SPEC.md's order."""
    requests = [Request("GET", "/login", "nm=alice"), Request("POST", "/login", "", FORM, b"nm=alice")]
    requests += [Request(method, "/login") for method in ("PUT", "DELETE", "PATCH")]
    requests += [Request(method, "/success/alice") for method in ("POST", "PUT", "DELETE")]
    requests += [Request("HEAD", "/login", "nm=alice"), Request("HEAD", "/success/alice")]
    requests += [Request("OPTIONS", "/login"), Request("OPTIONS", "/success/alice")]
    body, content_type = encode_multipart({"nm": "alice"})
    requests += [
        Request("POST", "/login", "", (("Content-Type", content_type),), body),
        Request("POST", "/login", "nm=A", FORM, b"nm=B"),
        Request("POST", "/login", "nm=A", FORM, b""),
        Request("GET", "/login", "nm=A", FORM, b"nm=B"),
        Request("GET", "/login", "", FORM, b"nm=B"),
    ]
    for name in LISTED_NAMES:
        requests += [
            Request("POST", "/login", "", FORM, _nm(name).encode()),
            Request("GET", "/login", _nm(name)),
            Request("GET", LESSON.success_path(name)),
        ]
    requests += [Request("GET", "/login"), Request("GET", "/login", "nm="), Request("POST", "/login", "", FORM, b"")]
    requests += [Request("POST", "/login", "", FORM, _nm(name).encode()) for name in UNROUTABLE_NAMES]
    requests += [Request("GET", "/login", _nm(name)) for name in UNROUTABLE_NAMES]
    requests += [
        Request("POST", "/login", "", FORM, b"nm=Zo\xeb"),
        Request("BREW", "/login"),
        Request("GET", "/success/%FF"),
        Request("GET", "/login", "nm=" + "x" * 12_000),
    ]
    return requests


def _sampled_name(rng: random.Random) -> str:
    alphabet = TRICKY_CHARACTERS + "abcAZ09é日"
    name = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))
    if rng.random() < 0.5:
        word = rng.choice(LOOKALIKE_ESCAPES + NON_ASCII_SAMPLES)
        cut = rng.randint(0, len(name))
        name = name[:cut] + word + name[cut:]
    return routable(name)


def _sampled(count: int, seed: int) -> list[Request]:
    rng = random.Random(seed)
    requests = []
    for _ in range(count):
        name = _sampled_name(rng)
        kind = rng.choice(["post", "get", "head", "welcome"])
        if kind == "post":
            requests.append(Request("POST", "/login", "", FORM, _nm(name).encode()))
        elif kind == "welcome":
            requests.append(Request("GET", LESSON.success_path(name)))
        else:
            requests.append(Request(kind.upper(), "/login", _nm(name)))
    return requests


def corpus(sample: int = 60, seed: int = SEED) -> list[Request]:
    """The listed requests, then ``sample`` generated ones; no request twice. Written in the lesson's terms,
    sent in the exercise's."""
    unique: dict[Request, None] = dict.fromkeys(_listed() + _sampled(sample, seed))
    return [in_exercise(request) for request in unique]
