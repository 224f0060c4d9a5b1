# The lesson's app, correct: this submission's mistake is in login.html.
from reference_app.lesson.app import app  # noqa: F401
