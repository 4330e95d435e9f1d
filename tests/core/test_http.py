"""core.http.client_ip: the client's address behind NUM_PROXIES proxies."""

from core.http import client_ip


def test_client_ip_is_remote_addr_without_proxies(rf, settings):
    settings.NUM_PROXIES = 0
    request = rf.get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="1.2.3.4")

    assert client_ip(request) == "203.0.113.9"


def test_client_ip_takes_the_entry_the_outermost_proxy_wrote(rf, settings):
    settings.NUM_PROXIES = 1
    request = rf.get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.4"
    )

    assert client_ip(request) == "198.51.100.4"


def test_client_ip_falls_back_when_the_proxies_were_bypassed(rf, settings):
    settings.NUM_PROXIES = 2
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")

    assert client_ip(request) == "10.0.0.1"


def test_client_ip_is_none_for_what_is_not_an_address(rf, settings):
    settings.NUM_PROXIES = 1
    request = rf.get("/", HTTP_X_FORWARDED_FOR="<script>")

    assert client_ip(request) is None


def test_allauth_counts_the_same_address(rf, settings):
    from allauth.account.adapter import get_adapter

    settings.NUM_PROXIES = 1
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.7")

    assert get_adapter().get_client_ip(request) == client_ip(request) == "192.0.2.7"
