"""``python -m flask_conformance``: the same as the ``flask-conformance`` command."""

from .cli import main

main()
