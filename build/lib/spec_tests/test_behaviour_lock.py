"""Behaviour locks (``--lock FILE``): the target still answers the lock's requests as recorded."""

import pytest


@pytest.mark.requirement("LOCK-BEHAVIOUR")
def test_answers_match_the_lock(behaviour_lock, record_property):
    record_property("lock", behaviour_lock.run())
