"""The names the spec generates reach what POLICY.md asks of them, not only its hand-picked hard cases."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from flask_conformance.reading.strategies import LONG_NAME, names

# POLICY.md, "Names": what Hypothesis must be able to produce inside a name.
ASKED = {
    "?": lambda name: "?" in name,
    "#": lambda name: "#" in name,
    "%": lambda name: "%" in name,
    "+": lambda name: "+" in name,
    "&": lambda name: "&" in name,
    "a space": lambda name: " " in name,
    "non-ASCII": lambda name: any(ord(character) > 127 for character in name),
    "a look-alike escape": lambda name: any(escape in name for escape in ("%20", "%2F", "%3F", "&amp;")),
    f"{LONG_NAME} characters": lambda name: len(name) >= LONG_NAME,
}


def never_reached(strategy: st.SearchStrategy[str], examples: int = 100) -> set[str]:
    """What of ``ASKED`` no name among the first ``examples`` has (derandomized: as a grade draws them)."""
    seen: set[str] = set()

    @settings(max_examples=examples, derandomize=True, database=None)
    @given(strategy)
    def draw(name: str) -> None:
        assert name not in ("", ".", "..") and "/" not in name, name
        seen.update(what for what, has in ASKED.items() if has(name))

    draw()
    return set(ASKED) - seen


def test_generated_names_reach_everything_the_policy_asks_for():
    assert never_reached(names()) == set()


def test_a_strategy_of_short_ascii_names_is_caught():
    short = st.text(alphabet="abc?#%+& ", min_size=1, max_size=20)
    assert never_reached(short) == {"non-ASCII", "a look-alike escape", f"{LONG_NAME} characters"}
