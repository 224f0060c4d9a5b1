"""Every requirement the kit checks: its ID, profile, points, and where it comes from.

SPEC.md is the human-readable copy; ``tests/test_spec_document.py`` keeps the two,
and the tests that name each ID, in step.
"""

from __future__ import annotations

from dataclasses import dataclass

PROFILES = ("tutorial", "robust")


@dataclass(frozen=True)
class Requirement:
    id: str
    profile: str
    points: float
    title: str
    source: str
    mode: str = ""  # "against" or "lock": checked only when that option asks for it
    browser: bool = False  # checked in Chromium (pytest -m browser); batch grading runs these only with --browser


def _requirements(*rows: Requirement) -> dict[str, Requirement]:
    return {row.id: row for row in rows}


LESSON_METHODS = "\"@app.route('/login',methods = ['POST', 'GET'])\""
LESSON_DEFAULT_GET = '"By default, the Flask route responds to the GET requests."'
LESSON_HEAD = 'HEAD: "Same as GET, but without response body"'
LESSON_FORM = "\"user = request.form['nm']\""
LESSON_ARGS = "\"User = request.args.get('nm')\""
LESSON_REDIRECT = "\"return redirect(url_for('success',name = user))\""
LESSON_WELCOME = '"return \'welcome %s\' % name" / "The browser displays a welcome message"'
LESSON_PAGE = '"Save the following script as login.html"'

REQUIREMENTS = _requirements(
    Requirement("LOGIN-GET", "tutorial", 4, "GET /login?nm=... is accepted and redirects", LESSON_METHODS),
    Requirement("LOGIN-POST", "tutorial", 4, "POST /login with form nm is accepted and redirects", LESSON_METHODS),
    Requirement(
        "LOGIN-405",
        "tutorial",
        4,
        "PUT, DELETE, PATCH on /login: 405 with Allow listing GET and POST",
        LESSON_METHODS + "; RFC 9110 §15.5.6",
    ),
    Requirement(
        "SUCCESS-405",
        "tutorial",
        4,
        "POST, PUT, DELETE on /success/<name>: 405 with Allow listing GET",
        LESSON_DEFAULT_GET + "; RFC 9110 §15.5.6",
    ),
    Requirement(
        "HEAD-LOGIN",
        "tutorial",
        3,
        "HEAD /login?nm=... gives GET's status and Location, no body",
        LESSON_HEAD + "; RFC 9110 §9.3.2",
    ),
    Requirement(
        "HEAD-SUCCESS",
        "tutorial",
        3,
        "HEAD /success/<name> gives GET's status, no body",
        LESSON_HEAD + "; RFC 9110 §9.3.2",
    ),
    Requirement("OPTIONS", "tutorial", 2, "OPTIONS on both routes answers with an Allow header", "RFC 9110 §9.3.7"),
    Requirement("POST-FORM", "tutorial", 5, "POST takes nm from the form body, urlencoded and multipart", LESSON_FORM),
    Requirement("POST-NOT-QUERY", "tutorial", 5, "POST never takes nm from the query string", LESSON_FORM),
    Requirement("GET-ARGS", "tutorial", 5, "GET takes nm from the query string", LESSON_ARGS),
    Requirement("GET-NOT-BODY", "tutorial", 4, "GET never takes nm from a request body", LESSON_ARGS),
    Requirement("REDIRECT-STATUS", "tutorial", 4, "/login answers directly with 302 or 303", LESSON_REDIRECT),
    Requirement(
        "REDIRECT-TARGET",
        "tutorial",
        5,
        "Location resolves to /success/<name>, the name percent-encoded",
        LESSON_REDIRECT,
    ),
    Requirement("WELCOME", "tutorial", 5, "GET /success/<name> is 200 and shows welcome <name>", LESSON_WELCOME),
    Requirement(
        "NAMES-POST",
        "tutorial",
        8,
        "Any name posted by the form comes back in the welcome",
        LESSON_FORM + " + " + LESSON_REDIRECT,
    ),
    Requirement(
        "NAMES-GET",
        "tutorial",
        8,
        "Any name sent in the query comes back in the welcome",
        LESSON_ARGS + " + " + LESSON_REDIRECT,
    ),
    Requirement(
        "FORM-ACTION",
        "tutorial",
        3,
        "login.html has a form whose action resolves to /login",
        '"<form action = "http://localhost:5000/login" ...>"',
    ),
    Requirement(
        "FORM-METHOD",
        "tutorial",
        2,
        "The form's method is POST or GET",
        '"method = "post"" / "Change the method parameter to \'GET\' in login.html"',
    ),
    Requirement(
        "FORM-INPUT", "tutorial", 3, "The form has a text input named nm", '"<input type = "text" name = "nm" />"'
    ),
    Requirement(
        "FORM-SUBMIT", "tutorial", 2, "The form has a submit control", '"<input type = "submit" value = "submit" />"'
    ),
    Requirement(
        "BROWSER-POST",
        "tutorial",
        4,
        "In Chromium, submitting login.html's form lands on the welcome page",
        '"open login.html in the browser, enter name in the text field and click Submit"',
        browser=True,
    ),
    Requirement(
        "BROWSER-GET",
        "tutorial",
        3,
        "In Chromium, the form switched to GET lands on the welcome page too",
        "\"Change the method parameter to 'GET' in login.html and open it again in the browser\"",
        browser=True,
    ),
    Requirement(
        "ROBUST-MISSING-NAME",
        "robust",
        4,
        "A missing or empty nm (GET or POST) is a 4xx, never a 5xx",
        "POLICY.md, robust; the lesson's code gives 500 or a redirect to a 404",
    ),
    Requirement(
        "ROBUST-NO-5XX", "robust", 4, "No request the kit sends gets a 5xx", "POLICY.md, robust; RFC 9110 §15.6"
    ),
    Requirement(
        "ROBUST-UNROUTABLE",
        "robust",
        4,
        "Every name ends at its welcome page or is refused with a 4xx at /login",
        "POLICY.md, robust: names with /, ., .. are the traps",
    ),
    Requirement(
        "ROBUST-ESCAPE",
        "robust",
        4,
        "The welcome page shows markup in a name as text",
        "POLICY.md, robust; OWASP XSS prevention, rule 1",
    ),
    Requirement(
        "ROBUST-CHARSET",
        "robust",
        2,
        "login.html declares UTF-8",
        "POLICY.md, robust: Chromium posts Zoë as Zo%EB from an undeclared page",
    ),
    Requirement(
        "ROBUST-BROWSER-UTF8",
        "robust",
        3,
        "In Chromium, a non-ASCII name typed into login.html arrives intact",
        "POLICY.md, robust: typing Zoë into the lesson's page in Chromium sends Zo%EB",
        browser=True,
    ),
    Requirement(
        "DIFF-REFERENCE",
        "tutorial",
        0,
        "With --against: generated requests get the reference's answers, up to what POLICY.md lets differ",
        "the profile's reference app; POLICY.md, traps for the kit's own machinery",
        mode="against",
    ),
    Requirement(
        "LOCK-BEHAVIOUR",
        "tutorial",
        0,
        "With --lock: the answers to the lock's requests have not changed",
        "a behaviour lock recorded by flask-conformance lock",
        mode="lock",
    ),
)


def checked_ids(profile: str, *, browser: bool = True, modes: frozenset[str] = frozenset()) -> frozenset[str]:
    """The requirements a run checks: the profile's, less the browser ones unless asked for."""
    return frozenset(
        requirement_id
        for requirement_id, requirement in REQUIREMENTS.items()
        if is_checked(requirement_id, profile, modes) and (browser or not requirement.browser)
    )


def is_checked(requirement_id: str, profile: str, modes: frozenset[str]) -> bool:
    """In the profile, and either always checked or asked for by its option."""
    requirement = REQUIREMENTS[requirement_id]
    return in_profile(requirement_id, profile) and (not requirement.mode or requirement.mode in modes)


def in_profile(requirement_id: str, profile: str) -> bool:
    """A requirement belongs to its own profile and to every stricter one."""
    requirement = REQUIREMENTS[requirement_id]
    return PROFILES.index(requirement.profile) <= PROFILES.index(profile)
