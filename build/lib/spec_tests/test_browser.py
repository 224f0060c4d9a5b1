"""The lesson's walkthrough in a real browser: open login.html, enter a name, click submit."""

import pytest

pytestmark = pytest.mark.browser

NAMES = ["Ann Lee", "who? me & you"]


@pytest.mark.requirement("BROWSER-POST")
@pytest.mark.parametrize("name", NAMES)
def test_walkthrough_as_written(browser_walk, name):
    walk = browser_walk(name)
    browser_walk.expect_welcome(walk, name, "with the form as written")


@pytest.mark.requirement("BROWSER-GET")
@pytest.mark.parametrize("name", NAMES)
def test_walkthrough_with_get(browser_walk, name):
    walk = browser_walk(name, method="get")
    browser_walk.expect_welcome(walk, name, "after changing the form's method to GET, as the lesson's last step")


@pytest.mark.requirement("ROBUST-BROWSER-UTF8")
@pytest.mark.parametrize("method", [None, "get"], ids=["as-written", "get"])
def test_non_ascii_name_arrives_intact(browser_walk, method):
    name = "Zoë 日本"
    walk = browser_walk(name, method=method)
    browser_walk.expect_welcome(walk, name, "from a page that should declare UTF-8")
