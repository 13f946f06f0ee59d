"""Every page of the web layer needs a login, and none shows personal data to a network analyst."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PUBLIC = {
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "synthesis_person",  # signed link for the person; tested in test_case_views
    "agenda_ics",  # secret feed address for calendar applications; tested in test_agenda
    "session_person_cancel",  # signed link for the person; tested in test_agenda
    "logout",
}
# Reference data pages carry no personal data: the network analyst may read them.
ANALYST_ALLOWED = {
    "home",
    "otp_setup",
    "otp_verify",
    "otp_remove",
    "switch_centre",
    "referential_browse",
    "referential_search",
    "referential_domain",
    "referential_occupation",
    "referential_skill",
    "referential_autocomplete",
    "scheme_rules",
}


def _web_patterns():
    resolver = get_resolver()
    web = next(p for p in resolver.url_patterns if isinstance(p, URLResolver) and p.namespace == "web")
    out = []
    for pattern in web.url_patterns:
        assert isinstance(pattern, URLPattern)
        out.append(pattern)
    return out


def _url(pattern: URLPattern) -> str:
    kwargs = {}
    for name in re.findall(r"<(?:\w+:)?(\w+)>", str(pattern.pattern)):
        kwargs[name] = {
            "move": "start",
            "verdict": "accepter",
            "source": "appellations",
            "code": "J1501",
            "token": "x",
            "uidb64": "x",
        }.get(name, 1)
    return reverse(f"web:{pattern.name}", kwargs=kwargs)


PATTERNS = [p for p in _web_patterns() if p.name not in PUBLIC]


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.name)
def test_anonymous_visitors_are_sent_to_the_login_page(client, pattern):
    for method in (client.get, client.post):
        response = method(_url(pattern))
        assert response.status_code in {302, 405}, pattern.name
        if response.status_code == 302:
            assert response.url.startswith(reverse("web:login")), pattern.name


@pytest.mark.parametrize("pattern", [p for p in PATTERNS if p.name not in ANALYST_ALLOWED], ids=lambda p: p.name)
def test_a_network_analyst_never_reaches_a_centre_page(client, pattern):
    client.force_login(UserFactory(is_network_analyst=True))
    assert client.get(_url(pattern)).status_code in {403, 404, 405}, pattern.name
