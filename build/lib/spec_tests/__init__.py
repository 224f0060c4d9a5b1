"""The specification of the "HTTP methods" lesson, as pytest and Hypothesis tests (SPEC.md lists them).

Installed with the kit: ``python -m pytest --pyargs spec_tests --target T``.
"""
