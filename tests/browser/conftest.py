"""Browser tests watch the Content Security Policy: any page of a journey that the policy
blocks something on (an inline style, an inline script, a foreign source) fails the test."""

import copy

import pytest

# Nordwind's sites in the journeys: name, street, postcode, city.
NORDWIND_SITES = [
    ("Nordwind HQ Hamburg", "Am Sandtorkai 50", "20457", "Hamburg"),
    ("Nordwind Hub Frankfurt", "Hanauer Landstr. 302", "60314", "Frankfurt am Main"),
    ("Nordwind Office München", "Maximilianstr. 8", "80539", "München"),
]

WATCH = """
document.addEventListener("securitypolicyviolation", function (event) {
  window.telcrmCspViolation([event.violatedDirective, event.blockedURI,
    location.pathname, event.sourceFile + ":" + event.lineNumber,
    (event.sample || "").slice(0, 80)].join(" | "));
}, true);
"""


def watch_csp(context, violations: list[str]) -> None:
    """Record every CSP violation on any page of this browser context."""

    def report(text: str) -> None:
        violations.append(text)

    context.expose_function("telcrmCspViolation", report)
    context.add_init_script(WATCH)


@pytest.fixture
def csp_violations():
    return []


@pytest.fixture
def context(context, csp_violations):
    watch_csp(context, csp_violations)
    yield context
    assert not csp_violations, "Blocked by the Content Security Policy:\n" + "\n".join(
        csp_violations
    )


def sign_in(page, url: str, username: str, password: str = "pw") -> None:
    """Sign in on the login page of the server at ``url``."""
    page.goto(f"{url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def demo_catalog():
    """The demo catalog, imported by the administrator ``admin`` (returned)."""
    from sales.catalog_io import catalog_import
    from sales.demo.catalog import CATALOG
    from tests.factories import UserFactory

    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    catalog_import(actor=admin, data=copy.deepcopy(CATALOG))
    return admin


def nordwind(rep, team, sites=()):
    """Nordwind Logistik GmbH in Hamburg, the rep's customer, and its ``sites`` (name, street,
    postcode, city) as child accounts with their locations: the account and the sites."""
    from tests.factories import AccountFactory, located, sites_at

    root = AccountFactory(name="Nordwind Logistik GmbH", owner=rep, team=team)
    located(root)
    return root, list(sites_at(root, sites).values())
