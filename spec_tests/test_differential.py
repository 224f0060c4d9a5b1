"""Differential testing (``--against``): generated requests answered as the profile's reference answers them."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flask_conformance.reading.strategies import probes


@pytest.mark.requirement("DIFF-REFERENCE")
@given(data=st.data())
def test_same_answers_as_the_reference(differential, data):
    requests = data.draw(st.lists(probes(differential.profile), min_size=1, max_size=8), label="requests")
    for request in requests:
        differential.compare(request)
