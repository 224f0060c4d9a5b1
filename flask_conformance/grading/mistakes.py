"""The learner mistakes the kit recognises, each with a hint in plain words (SPEC.md lists them).

A mistake is recognised from the failure messages of the requirements it explains: what the app answered
(a 404 on /login, a 308 to /login/, a 400 to a form with ``nm``) and, where it helps, the exception the
student's own code raised. Like an Exercism analyzer's comments, the hints are keyed to the mistake, not
to the check, and they come first in feedback, once each, in the order the lesson teaches.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..data.curl import EXCERPT_TAIL
from ..data.exercise import LESSON, Exercise

# The requirements that send the lesson's requests to /login and follow them to the welcome page.
_FLOW = frozenset(
    {"LOGIN-GET", "LOGIN-POST", "POST-FORM", "POST-NOT-QUERY", "GET-ARGS", "GET-NOT-BODY"}
    | {"REDIRECT-STATUS", "REDIRECT-TARGET", "WELCOME", "NAMES-POST", "NAMES-GET"}
)
_EVERYTHING = _FLOW | {"LOGIN-405", "SUCCESS-405", "HEAD-LOGIN", "HEAD-SUCCESS", "OPTIONS"}
# The requirements that ask the welcome page for a name: what its view does wrong shows in these.
_WELCOME_PAGE = frozenset({"WELCOME", "HEAD-SUCCESS", "NAMES-POST", "NAMES-GET"})


@dataclass(frozen=True)
class Mistake:
    key: str
    looks_like: str  # the mistake in a few words of Markdown, for SPEC.md, the class report and `explain`
    hint: str  # the kit's Markdown, str.format'ed with the sign's named groups, which the caller shows
    explains: frozenset[str]  # the requirement IDs whose failure it can explain
    sign: re.Pattern[str]  # searched for in those requirements' failure messages
    holds: Callable[[dict[str, str]], bool] = lambda groups: True  # a last test on the groups

    def found_in(self, requirement_id: str, message: str, exercise: Exercise = LESSON) -> Cause | None:
        """The cause, with what this submission showed of it, when ``message`` shows the mistake. The sign is
        written in the lesson's terms and read in the exercise's, as the spec's messages are told."""
        if requirement_id not in self.explains:
            return None
        sign = self.sign if exercise == LESSON else re.compile(exercise.pattern(self.sign.pattern), self.sign.flags)
        for match in sign.finditer(message):
            groups = {key: value for key, value in match.groupdict().items() if value is not None}
            if self.holds(groups):
                return Cause(self.key, self.hint, groups)
        return None


@dataclass(frozen=True)
class Cause:
    """A mistake found in one submission: the hint, and the values (from the submission) it quotes."""

    key: str
    hint: str
    values: dict[str, str]

    def text(self, show: Callable[[str], str] = repr, words: Callable[[str], str] = str) -> str:
        """The hint in words, each quoted value passed through ``show`` (feedback makes it a code span). ``words``
        tells the kit's own words in the exercise's terms (``Exercise.words``), before any value goes in."""
        return words(self.hint).format(**{key: show(value) for key, value in self.values.items()})


def _mistake(
    key: str,
    looks_like: str,
    hint: str,
    explains: Iterable[str],
    sign: str,
    **extra: Callable[[dict[str, str]], bool],
) -> Mistake:
    return Mistake(key, looks_like, hint, frozenset(explains), re.compile(sign, re.MULTILINE), **extra)


def _flask_exports(groups: dict[str, str], key: str = "name") -> bool:
    """A name the student could import from Flask: a NameError for any other name is no missing import, and
    a TypeError of such a function (``redirect()``) is no view's."""
    import flask

    return hasattr(flask, groups[key])


def _case_only(groups: dict[str, str]) -> bool:
    return groups["shown"] != groups["sent"] and groups["shown"].casefold() == groups["sent"].casefold()


def _not_percent_encoded(groups: dict[str, str]) -> bool:
    """A name in a Location that url_for did not encode: a space, ?, # or a % that starts no escape left
    as it is, or a space sent as + (quote_plus: a + in a path is a plus)."""
    location = EXCERPT_TAIL.sub("", groups["location"])  # the words of a cut quote are not the Location's
    raw = re.search(r"[ ?#]|%(?![0-9A-Fa-f]{2})", location) is not None
    return raw or (" " in groups["sent"] and "%20" not in location and "+" in location)


def _other_greeting(groups: dict[str, str]) -> bool:
    return groups["expected"] != groups["body"] and groups["name"].casefold() in groups["body"].casefold()


# In the order the lesson teaches: load the app, route /login for both methods, read nm, redirect with
# url_for, greet on /success/<name>, then login.html.
CATALOGUE = (
    _mistake(
        "input-at-import",
        "`input()` at module level: the import waits for a typist",
        "`input()` runs when the grader imports your app, and nobody is there to type: on your machine it "
        "just waits for you. Take the value from the request, or move the call under "
        "`if __name__ == '__main__':`.",
        _EVERYTHING | {"FORM-ACTION", "FORM-METHOD", "FORM-INPUT", "FORM-SUBMIT"},
        r"waits for someone to type an answer to input\(\)",
    ),
    _mistake(
        "missing-import",
        "NameError for `request`, `redirect`, `url_for`, ...",
        "{name} is used but never imported: add it to the `from flask import ...` line at the top, as the "
        "lesson's `from flask import Flask, redirect, url_for, request`.",
        _EVERYTHING,
        r"(?:Your app|importing \S+) raised NameError: name '(?P<name>\w+)' is not defined",
        holds=_flask_exports,
    ),
    _mistake(
        "undefined-name",
        "NameError for a name of the student's own: a typo, or a variable of another view",
        "{name} is used where nothing of that name is defined: is it misspelt, or defined in another view or "
        "branch? A view's variables are its own; the name the route passes in is the view's parameter.",
        _EVERYTHING,
        r"(?:Your app|importing \S+) raised NameError: name '(?P<name>\w+)' is not defined",
        holds=lambda groups: not _flask_exports(groups),
    ),
    _mistake(
        "login-route-missing",
        "/login is a 404: the route is misspelt or missing",
        "There is no /login route: check the spelling of `@app.route('/login', methods=['POST', 'GET'])`, "
        "and that it is in the file that is graded.",
        {"LOGIN-GET", "LOGIN-POST"},
        r"^LOGIN-(?:GET|POST): .* It got: 404\b",
    ),
    _mistake(
        "trailing-slash",
        "`@app.route('/login/')`: a 308 to /login/",
        "Your route is `/login/`, with a trailing slash: Flask answers /login with a 308 redirect to it "
        "before your view runs. Write `@app.route('/login', ...)`.",
        _FLOW | {"LOGIN-405", "OPTIONS"},
        r"It got: 308, Location: \S*/login/[?,]",
    ),
    _mistake(
        "post-not-allowed",
        "POST /login is a 405: `methods` lacks POST",
        "/login does not accept POST, so the form cannot be sent: give the route "
        "`methods=['POST', 'GET']`, as the lesson does.",
        {"LOGIN-POST"},
        r"^LOGIN-POST: .* It got: 405\b",
    ),
    _mistake(
        "get-not-allowed",
        "GET /login is a 405: `methods` lacks GET",
        "/login does not accept GET, so the form switched to GET (and a link with ?nm=) cannot reach it: give "
        "the route `methods=['POST', 'GET']`, as the lesson does.",
        {"LOGIN-GET"},
        r"^LOGIN-GET: .* It got: 405\b",
    ),
    _mistake(
        "request-attribute",
        "AttributeError: `request.arg`, `request.from`, ...",
        "`request` has no attribute {name}: the query string is `request.args`, the form is `request.form`.",
        _FLOW,
        r"Your app raised AttributeError: 'Request' object has no attribute '(?P<name>\w+)'",
    ),
    _mistake(
        "field-renamed-in-code",
        "a 400 to a form with `nm`: the code reads `request.form['name']`",
        "Your app answers 400 Bad Request to a form that sends `nm`: it reads another field, such as "
        "`request.form['name']`. The lesson's field is `nm`, in login.html and in the code.",
        {"LOGIN-POST", "POST-FORM", "POST-NOT-QUERY", "NAMES-POST"},
        r"^(?:LOGIN-POST|POST-FORM): POST /login .* It got: 400\b",
    ),
    _mistake(
        "query-on-post",
        "POST reads the name from the query string: `request.args` or `request.values`",
        "Your POST /login takes the name from the query string: a POST carries the form's `nm` in its body, "
        "read with `request.form['nm']`. `request.args` is the query string, and `request.values` lets the "
        "query string win over the form. If your POST branch does read `request.form['nm']`, it is never "
        "reached: Flask spells the method in capitals, `request.method == 'POST'`.",
        {"POST-NOT-QUERY"},
        r"^POST-NOT-QUERY: POST /login\?nm=alice with nm=bob in the form should redirect to /success/bob\b.*"
        r"It got: 30[0-9], Location: \S*/success/alice\b",
    ),
    _mistake(
        "body-on-get",
        "GET reads the name from a request body: `request.form`",
        "Your GET /login takes the name from a request body, `request.form`: a GET (the form with "
        "`method=\"get\"`, a link) carries `nm` in the query string, read with `request.args.get('nm')`.",
        {"GET-NOT-BODY"},
        r"^GET-NOT-BODY: GET /login\?nm=alice with nm=bob in a body should redirect to /success/alice\b.*"
        r"It got: 30[0-9], Location: \S*/success/bob\b",
    ),
    _mistake(
        "missing-return",
        "TypeError: a view returns None (no `else:` for GET)",
        "The view {view} ends without a `return` for some requests: is the `else:` branch, the GET one, "
        "missing? Every path through a view must return a response.",
        _FLOW,
        r"Your app raised TypeError: The view function for '(?P<view>[^']+)' did not return a valid response",
    ),
    _mistake(
        "form-page-on-get",
        "GET /login shows a form instead of reading `?nm=` and redirecting",
        "Your GET /login answers with a form and does not read `?nm=`. In the lesson, GET /login is what "
        "the form sends once its method is GET, so the GET branch reads the name, `request.args.get('nm')`, "
        "and redirects as the POST branch does; login.html is opened in the browser as a file.",
        {"LOGIN-GET"},
        r"^LOGIN-GET: .* should redirect to the welcome page\. It got: 200, body '(?![^'\n]*alice)[^'\n]*<form",
    ),
    _mistake(
        "no-redirect",
        "/login answers the welcome itself, with 200, instead of redirecting",
        "Your /login answers the welcome page itself: the lesson's /login redirects to it, "
        "`return redirect(url_for('success', name=user))`, and the `success` view says welcome, so that the "
        "page's URL names who is welcome.",
        {"LOGIN-GET", "LOGIN-POST"},
        r"^LOGIN-(?:GET|POST): .* should redirect to the welcome page\. It got: 200, body '[^'\n]*alice",
    ),
    _mistake(
        "url-for-endpoint",
        "BuildError: `url_for` given a URL or an unknown view",
        "`url_for` was given {endpoint}, which names no view: it takes the name of the view function "
        "(`success`), not a URL or a page title.",
        _FLOW,
        r"Your app raised BuildError: Could not build url for endpoint '(?P<endpoint>[^']+)'"
        r"(?![^\n]*Did you forget to specify values)",
    ),
    _mistake(
        "url-for-no-value",
        "BuildError: `url_for('success', name=None)`: the name read from a field the request lacks",
        "`url_for` got no value for {values}: the variable you gave it is None. `.get()` on `request.args` or "
        "`request.form` gives None when the request does not carry that field: check its name, `nm`, and where "
        "the method carries it: a GET in the query string (`request.args`), a POST in its form (`request.form`).",
        _FLOW,
        r"Your app raised BuildError: Could not build url for endpoint '[^']+'\. "
        r"Did you forget to specify values \[(?P<values>[^\]\n]+)\]\?",
    ),
    _mistake(
        "url-for-keyword",
        "BuildError: `url_for('success', name=...)` for a route `/success/<username>`",
        "`url_for` was given {given}, and the route of that view takes {values}: each keyword must be the name "
        "between `<` and `>` in the route, as `url_for('success', name=user)` for `/success/<name>`.",
        _FLOW,
        r"Your app raised BuildError: Could not build url for endpoint '[^']+' with values \[(?P<given>[^\]\n]+)\]\. "
        r"Did you forget to specify values \[(?P<values>[^\]\n]+)\]\?",
    ),
    _mistake(
        "redirect-without-url-for",
        "`redirect('success', name=user)`: `url_for` left out",
        "`redirect()` takes a URL, not a view's name and keywords such as {name}: build the URL with "
        "`url_for`, `redirect(url_for('success', name=user))`.",
        _FLOW,
        r"Your app raised TypeError: redirect\(\) got an unexpected keyword argument '(?P<name>\w+)'",
    ),
    _mistake(
        "redirect-status",
        "a 301, 307 or 308 where `redirect()` gives 302",
        "Your redirect answers {status}. `redirect(url_for(...))` with no `code=` gives 302, as in the lesson.",
        {"REDIRECT-STATUS"},
        r"^REDIRECT-STATUS: .* It got: (?P<status>301|307|308), Location: (?!\S*/login/[?,])",
    ),
    _mistake(
        "hand-built-location",
        "an f-string or `quote_plus` Location: spaces, `?`, `#` or `+`",
        "Build the redirect with `url_for('success', name=user)`: it percent-encodes the name. A URL put "
        "together by hand (an f-string, `quote_plus`) breaks names with a space, `?`, `#`, `%` or `+`.",
        {"REDIRECT-TARGET", "NAMES-POST", "NAMES-GET"},
        r"with nm='(?P<sent>[^'\n]*)'(?: \([^)\n]*\))? should redirect to /success/<name>.*?"
        r"It got: 30[0-9], Location: /success/(?P<location>[^\n]*?), (?:body|an empty body)",
        holds=_not_percent_encoded,
    ),
    _mistake(
        "success-route-missing",
        "/success/<name> is a 404",
        "There is no /success/<name> route: the redirect must lead to a view under `@app.route('/success/<name>')`.",
        {"WELCOME", "HEAD-SUCCESS", "SUCCESS-405"},
        r"(?:^WELCOME: .* It got: 404\b|the lesson's /success/<name> route should exist)",
    ),
    _mistake(
        "view-parameter",
        "`def success(user):` for `@app.route('/success/<name>')`",
        "The route passes {name} to the view {view}, whose parameter has another name: name a view's "
        "parameters as the route's variables, `def success(name):` for `@app.route('/success/<name>')`.",
        _WELCOME_PAGE,
        r"Your app raised TypeError: (?:\w+\.)*(?P<view>\w+)\(\) got an unexpected keyword argument '(?P<name>\w+)'",
        holds=lambda groups: not _flask_exports(groups, "view"),
    ),
    _mistake(
        "template-missing",
        "TemplateNotFound: no `templates/` folder beside the app",
        "Flask looks for {template} in a folder called `templates` next to your app, and it is not there.",
        _EVERYTHING,
        r"Your app raised TemplateNotFound: (?P<template>\S+)",
    ),
    _mistake(
        "text-as-status",
        "`return 'welcome %s', name`: a comma where `%` belongs",
        "Your view returns a pair, and Flask takes its second item for the page's HTTP status: here {value}, "
        "which is no status, so no browser shows the page. Is a comma where `%` belongs, `return 'welcome %s', "
        "name` for the lesson's `return 'welcome %s' % name`?",
        _WELCOME_PAGE,
        r"the status line (?P<quote>['\"])0 (?P<value>.*?)(?P=quote), which is no HTTP status",
    ),
    _mistake(
        "greeting-text",
        "the name is shown, in other words than `welcome <name>`",
        "The page should say `welcome <name>` and nothing else around the name, as the lesson's "
        "`'welcome %s' % name`: yours says {body}.",
        {"WELCOME"},
        r"saying '(?P<expected>welcome (?P<name>[^'\n]*))'\. It got: 200, body '(?P<body>[^'\n]*)'",
        holds=_other_greeting,
    ),
    _mistake(
        "name-case-changed",
        "the name comes back in another case",
        "Your welcome page changes the name's case ({shown} for {sent}): show the name exactly as it was typed.",
        {"NAMES-POST", "NAMES-GET", "WELCOME"},
        r"show the name '(?P<sent>[^'\n]*)'(?: \([^)\n]*\))?\. It got: 200, body 'welcome (?P<shown>[^'\n]*)'",
        holds=_case_only,
    ),
    _mistake(
        "form-enctype-text",
        'login.html\'s form has `enctype="text/plain"`',
        'Your form has `enctype="text/plain"`: the browser then sends the name as plain text, which '
        "`request.form` does not read. Leave `enctype` out, as the lesson does.",
        {"BROWSER-POST"},
        r"^BROWSER-POST: .*\(the browser sent: curl -i -H 'Content-Type: text/plain",
    ),
    _mistake(
        "field-id-not-name",
        'login.html\'s text field has `id="nm"` and no `name`',
        "Your form's text field has the id {id} and no name: a browser sends a field under its `name`, and "
        'one without a name is not sent at all. Write `name="nm"` on the input; an id is for labels, '
        "styles and scripts.",
        {"FORM-INPUT"},
        r"It got: an input with id='(?P<id>[^'\n]+)' and no name",
    ),
    _mistake(
        "field-renamed-in-form",
        "login.html's text field is not named `nm`",
        "Your form's text field is called {name}; the lesson's is `nm`, in login.html "
        "(`name=\"nm\"`) and in the code (`request.form['nm']`).",
        {"FORM-INPUT"},
        r"It got: inputs named \['(?P<name>(?!nm')[^' \n]+)'\]",
    ),
)


def likely_causes(failures: Iterable[tuple[str, str]], exercise: Exercise = LESSON) -> list[Cause]:
    """The causes ``(requirement ID, failure message)`` pairs show, once each, in the catalogue's order."""
    pairs = list(failures)
    found = []
    for mistake in CATALOGUE:
        cause = next(
            filter(None, (mistake.found_in(requirement_id, message, exercise) for requirement_id, message in pairs)),
            None,
        )
        if cause is not None:
            found.append(cause)
    return found
