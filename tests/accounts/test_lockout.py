"""Lock-out by the pair (account, client address), and the client address read through trusted proxies."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.factories import PASSWORD, CentreFactory, counsellor
from trajectoire.accounts.network import client_ip

pytestmark = pytest.mark.django_db


@pytest.fixture
def claire():
    return counsellor(CentreFactory(), email="claire.martin@exemple.fr")


def _login(client, email, password=PASSWORD, **meta):
    return client.post(reverse("web:login"), {"username": email, "password": password}, **meta)


def _fail_until_locked(client, settings, email, **meta):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, email, "mauvais-mot-de-passe", **meta)


def test_five_failures_from_one_address_lock_that_pair(claire, settings):
    attacker = Client(REMOTE_ADDR="203.0.113.66")
    _fail_until_locked(attacker, settings, claire.email)
    response = _login(attacker, claire.email)
    assert response.status_code == 429
    content = response.content.decode()
    assert "Connexion temporairement bloquée" in content
    assert f"pendant {settings.AXES_COOLOFF_TIME.seconds // 60}&nbsp;minutes" in content


def test_the_same_account_can_still_log_in_from_another_address(claire, settings):
    _fail_until_locked(Client(REMOTE_ADDR="203.0.113.66"), settings, claire.email)
    office = Client(REMOTE_ADDR="198.51.100.10")
    response = _login(office, claire.email)
    assert response.status_code == 302
    assert response.url == reverse("web:home")


def test_another_account_from_the_locked_address_is_not_locked(claire, settings):
    colleague = counsellor(claire.memberships.first().centre, email="karim.benali@exemple.fr")
    client = Client(REMOTE_ADDR="203.0.113.66")
    _fail_until_locked(client, settings, claire.email)
    assert _login(client, colleague.email).status_code == 302


def test_behind_one_trusted_proxy_two_clients_are_counted_apart(claire, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    attacker = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.66")
    _fail_until_locked(attacker, settings, claire.email)
    assert _login(attacker, claire.email).status_code == 429
    office = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.10")
    assert _login(office, claire.email).status_code == 302


def test_behind_one_proxy_an_address_prepended_by_the_client_does_not_escape_the_lock(claire, settings):
    # The proxy appends the real peer; whatever the client wrote to the left must not give it a new counter.
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(
            Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.66"),
            claire.email,
            "mauvais-mot-de-passe",
        )
    again = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.66")
    assert _login(again, claire.email).status_code == 429


def test_a_spoofed_forwarded_for_is_ignored_without_trusted_proxies(claire, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(
            Client(REMOTE_ADDR="203.0.113.66", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}"),
            claire.email,
            "mauvais-mot-de-passe",
        )
    changed_header = Client(REMOTE_ADDR="203.0.113.66", HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert _login(changed_header, claire.email).status_code == 429


# --- client_ip on its own -------------------------------------------------------------------------------


def _request(**meta):
    return RequestFactory().get("/", **meta)


def test_without_trusted_proxy_the_client_is_the_peer(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request(REMOTE_ADDR="198.51.100.10", HTTP_X_FORWARDED_FOR="192.0.2.1")) == "198.51.100.10"


def test_with_two_trusted_proxies_the_client_is_the_second_entry_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    request = _request(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.1, 198.51.100.10, 10.0.0.1")
    assert client_ip(request) == "198.51.100.10"


def test_a_header_shorter_than_the_proxy_chain_falls_back_to_the_peer(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.1")) == "10.0.0.2"
    assert client_ip(_request(REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"


def test_garbage_in_the_trusted_entry_falls_back_to_the_peer(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="<script>")) == "10.0.0.2"


def test_ports_and_brackets_written_by_some_proxies_are_removed(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.10:51234")) == "198.51.100.10"
    assert client_ip(_request(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="[2001:DB8::1]:443")) == "2001:db8::1"


def test_an_unknown_peer_gives_none(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request(REMOTE_ADDR="")) is None


def test_a_negative_proxy_count_stops_start_up_with_its_name():
    env = {**os.environ, "TRUSTED_PROXY_COUNT": "-1"}
    run = subprocess.run(
        [sys.executable, "-c", "import trajectoire.config.settings"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode != 0
    assert "TRUSTED_PROXY_COUNT must be 0" in run.stderr
