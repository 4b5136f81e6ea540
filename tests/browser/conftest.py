"""Browser tests watch the Content Security Policy: any page of a journey that the policy
blocks something on (an inline style, an inline script, a foreign source) fails the test."""

import pytest

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
