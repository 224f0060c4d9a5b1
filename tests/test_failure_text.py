"""Hypothesis's note on the smallest example becomes one line, whatever its wording."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flask_conformance.targets.client import ConformanceFailure
from flask_conformance.targets.failure_text import failure_text


@pytest.mark.parametrize(
    "lead", ["Falsifying example", "Falsifying explicit example", "Failing explicit example", "Failing test case"]
)
def test_smallest_example_line(lead):
    error = ConformanceFailure("NAMES-GET: message")
    error.add_note(
        f"{lead}: test_names_by_get(\n    client=<flask_conformance.targets.client.Client object at 0x7f>,"
        "\n    batch=[' '],\n)"
    )
    assert failure_text(error) == "NAMES-GET: message\n    (smallest failing example found: ' ')"


def test_several_arguments_keep_their_values_without_their_names():
    error = ConformanceFailure("X: message")
    error.add_note(
        "Falsifying example: test_x(\n    client=<Client object at 0x7f>,\n    name='a b',\n    method='GET',\n)"
    )
    assert failure_text(error) == "X: message\n    (smallest failing example found: 'a b', 'GET')"


def test_other_notes_are_left_out():
    error = ConformanceFailure("X: message")
    error.add_note("(note: 1 other explicit example also failed with this error)")
    assert failure_text(error) == "X: message"


def test_fixture_values_are_left_out():
    error = ConformanceFailure("X: message")
    error.add_note(
        "Falsifying example: test_x(\n    client=<Client object at 0x7f>,\n    lesson_routes=None,\n"
        "    method='POST',\n    name='a#b',\n)"
    )
    assert failure_text(error, ["client", "lesson_routes"]) == (
        "X: message\n    (smallest failing example found: 'POST', 'a#b')"
    )


def test_the_kits_hypothesis_profile_writes_no_comments_into_the_example():
    """Hypothesis's explain phase annotates an example (``method='POST',  # or any other generated value``);
    the kit's profile leaves that phase out, so the line a student reads has none."""
    from flask_conformance.pytest_plugin.plugin import HYPOTHESIS_PROFILE

    @settings(settings.get_profile(HYPOTHESIS_PROFILE), max_examples=50)
    @given(method=st.sampled_from(["GET", "POST"]), name=st.text())
    def test_x(method, name):
        if name:
            raise ConformanceFailure("X: message")

    with pytest.raises(ConformanceFailure) as raised:
        test_x()
    assert failure_text(raised.value) == "X: message\n    (smallest failing example found: 'GET', '0')"


def test_a_failure_whose_request_is_the_example_says_it_once():
    error = ConformanceFailure("X: message\n    curl -i 'http://localhost:5000/login?nm'", request_is_the_example=True)
    error.add_note("Falsifying example: test_x(\n    method='GET',\n    path='/login',\n    query='nm',\n)")
    assert failure_text(error) == "X: message\n    curl -i 'http://localhost:5000/login?nm'"
