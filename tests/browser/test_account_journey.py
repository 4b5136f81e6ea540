"""Browser journey (Playwright + Debian's Chromium): a sales rep builds a customer hierarchy."""

import pytest
from playwright.sync_api import Page, expect

from tests.factories import TeamFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def rep(roles):
    user = UserFactory(username="sara", first_name="Sara", last_name="Lindqvist", role="sales_rep")
    TeamFactory(name="Enterprise North", members=[user])
    return user


def log_in(page: Page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/login/?next=/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Good to see you, Sara")).to_be_visible()


def test_sales_rep_builds_an_account_hierarchy(page: Page, live_server, rep):
    log_in(page, live_server, "sara")
    page.get_by_role("link", name="Accounts").first.click()
    page.get_by_role("link", name="New legal account").click()

    # A first try with a bad website is refused on the form.
    page.get_by_label("Name*").fill("Hafen Kiel GmbH")
    page.get_by_label("Website").fill("not a url")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Enter a valid URL.")).to_be_visible()
    page.get_by_label("Website").fill("https://hafen-kiel.example")
    page.get_by_label("Industry").select_option("logistics")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="ACC-000001 Hafen Kiel GmbH")).to_be_visible()
    expect(page.get_by_test_id("hierarchy-status")).to_have_text("Hierarchy incomplete")

    # A child site with a location and a contact.
    page.get_by_role("link", name="Add child account").click()
    page.get_by_label("Name*").fill("Terminal Ostuferhafen")
    page.get_by_role("button", name="Add child account").click()
    expect(page.get_by_role("heading", name="ACC-000002 Terminal Ostuferhafen")).to_be_visible()

    page.get_by_role("link", name="Add location").click()
    page.get_by_label("Address line 1*").fill("Ostuferhafen 15")
    page.get_by_label("Postcode*").fill("24149")
    page.get_by_label("City*").fill("Kiel")
    page.get_by_label("Country*").fill("de")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#locations")).to_contain_text("Ostuferhafen 15, 24149 Kiel, DE")

    page.get_by_role("link", name="Add contact").click()
    page.get_by_label("First name*").fill("Jan")
    page.get_by_label("Last name*").fill("Holm")
    page.get_by_label("E-mail*").fill("j.holm@hafen-kiel.example")
    page.get_by_label("Job role").fill("Terminal manager")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#contacts")).to_contain_text("Jan Holm")

    # Both in the tree, and in the history with the acting user.
    tree = page.get_by_test_id("account-tree")
    expect(tree).to_contain_text("Hafen Kiel GmbH")
    expect(tree).to_contain_text("Terminal Ostuferhafen")
    history = page.get_by_test_id("history")
    expect(history).to_contain_text("Created Location Ostuferhafen 15")
    expect(history).to_contain_text("Created Contact Jan Holm")
    expect(history).to_contain_text("Sara Lindqvist")

    # The legal account's page shows the site in its tree and its creation in history.
    tree.get_by_role("link", name="Hafen Kiel GmbH").click()
    expect(page.get_by_test_id("account-tree")).to_contain_text("Terminal Ostuferhafen")
    expect(page.get_by_test_id("history")).to_contain_text(
        "Created Account ACC-000002 Terminal Ostuferhafen"
    )
