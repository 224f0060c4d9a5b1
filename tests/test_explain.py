"""flask-conformance explain ID: the requirement, what is behind it, how it is checked, what makes it fail."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from conftest import ROOT
from flask_conformance.commands.cli import main
from flask_conformance.commands.explanation import spec_tests
from flask_conformance.data.requirements import REQUIREMENTS

SPEC_ROW = re.compile(r"^\| `([A-Z0-9-]+)` \|.*\| ((?:`[\w:]+`(?:, )?)+) \|$")


def spec_md_tests() -> dict[str, list[str]]:
    """SPEC.md's requirements table: ID -> its tests, as ``module::function``."""
    rows = (SPEC_ROW.match(line) for line in (ROOT / "SPEC.md").read_text().splitlines())
    return {row[1]: re.findall(r"`([\w:]+)`", row[2]) for row in rows if row}


def test_explain_prints_the_requirement_its_source_its_tests_and_its_causes():
    result = CliRunner().invoke(main, ["explain", "redirect-status"])
    assert result.exit_code == 0
    assert result.output == (
        "REDIRECT-STATUS: /login answers directly with 302 or 303\n"
        "  (profile tutorial, 4 points)\n"
        "\n"
        "Behind it:\n"
        "  \"return redirect(url_for('success',name = user))\"\n"
        "\n"
        "How it is checked:\n"
        "  spec_tests/test_redirect.py::test_redirect_status (2 case(s))\n"
        "    /login answers at once with 302 or 303 to /success/<name>, the name percent-encoded.\n"
        "\n"
        "When it fails, the likely causes the kit recognises:\n"
        "  input-at-import: `input()` at module level: the import waits for a typist\n"
        "  missing-import: NameError for `request`, `redirect`, `url_for`, ...\n"
        "  undefined-name: NameError for a name of the student's own: a typo, or a variable of another view\n"
        "  trailing-slash: `@app.route('/login/')`: a 308 to /login/\n"
        "  request-attribute: AttributeError: `request.arg`, `request.from`, ...\n"
        "  missing-return: TypeError: a view returns None (no `else:` for GET)\n"
        "  url-for-endpoint: BuildError: `url_for` given a URL or an unknown view\n"
        "  url-for-no-value: BuildError: `url_for('success', name=None)`: the name read from a field the request "
        "lacks\n"
        "  url-for-keyword: BuildError: `url_for('success', name=...)` for a route `/success/<username>`\n"
        "  redirect-without-url-for: `redirect('success', name=user)`: `url_for` left out\n"
        "  redirect-status: a 301, 307 or 308 where `redirect()` gives 302\n"
        "  template-missing: TemplateNotFound: no `templates/` folder beside the app\n"
    )


@pytest.mark.parametrize("requirement_id", list(REQUIREMENTS))
def test_explain_names_the_tests_spec_md_names(requirement_id):
    """Read from the spec's source, the tests match SPEC.md's table, which test_spec_document keeps true."""
    found = [f"{test.module.removesuffix('.py')}::{test.function}" for test in spec_tests(requirement_id)]
    assert found == spec_md_tests()[requirement_id]


def test_an_unknown_id_is_a_usage_error_with_the_closest_ids():
    result = CliRunner().invoke(main, ["explain", "LOGIN-40"])
    assert result.exit_code == 2
    assert "no requirement is called 'LOGIN-40'. Did you mean LOGIN-405, LOGIN-GET, LOGIN-POST?" in result.output
