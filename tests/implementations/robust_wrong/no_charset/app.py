# The robust reference: this submission's mistake is in login.html.
from reference_app.robust.app import app  # noqa: F401
