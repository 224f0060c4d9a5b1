"""``python -m flask_conformance``: the same as the ``flask-conformance`` command."""

from .commands.cli import main

main()
