"""The submission's login.html: a form posting nm to /login, as the lesson writes it."""

import pytest


def _form(client, form_page):
    form = form_page.login_form()
    if form is None:
        client.fail(f"{form_page.path.name} should contain a <form> (the lesson's {client.exercise.form} has one)")
    return form


@pytest.mark.requirement("FORM-ACTION")
def test_form_action(client, form_page):
    form = _form(client, form_page)
    login = client.exercise.login
    if form.action_path() != login:
        client.fail(
            f"the form's action should lead to {login}, like the lesson's action=\"http://localhost:5000{login}\"",
            got=f"action={form.action!r}",
        )


@pytest.mark.requirement("FORM-METHOD")
def test_form_method(client, form_page):
    form = _form(client, form_page)
    if form.method not in ("get", "post"):
        client.fail(
            "the form's method should be post (or get, as the lesson's last step)",
            got=f"method={form.attributes.get('method')!r}",
        )


@pytest.mark.requirement("FORM-INPUT")
def test_form_text_input(client, form_page):
    form = _form(client, form_page)
    field = client.exercise.field
    if not form.text_inputs(field):
        client.fail(
            f'the form should have a text input named {field}: <input type="text" name="{field}">',
            got=_named_inputs(form),
        )


def _named_inputs(form):
    """What the form has in place of the field: its named controls, or a text input with an id and no name."""
    names = [control.name for control in form.controls if control.name]
    if names:
        return f"inputs named {names}"
    ids = [control.attributes.get("id") for control in form.controls if control.tag == "input"]
    ids = [identifier for identifier in ids if identifier]
    return f"an input with id={ids[0]!r} and no name" if ids else "no named input"


@pytest.mark.requirement("FORM-SUBMIT")
def test_form_submit(client, form_page):
    form = _form(client, form_page)
    if not form.submit_controls():
        client.fail(
            'the form should have a submit button: <input type="submit" value="submit">',
            got="no submit control in the form",
        )
