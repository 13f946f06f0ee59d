"""The address of the person at the other end of a request.

Behind a reverse proxy, REMOTE_ADDR is the proxy's own address: keying the lock-out or the audit log on it
would put every user behind one address. The client's address is then read from X-Forwarded-For, but only
as far as our own proxies wrote it: each trusted proxy appends the address it received the connection from,
so with N trusted proxies the client is the N-th entry counted from the right. Entries further left were
written by the client itself and can say anything; they are never used.

TRUSTED_PROXY_COUNT (settings, from the environment) is N. With 0 (the default) the header is ignored.
"""

import ipaddress

from django.conf import settings


def _parse(value: str | None) -> str | None:
    """The address in VALUE in canonical form, or None. Accepts "1.2.3.4:5678" and "[2001:db8::1]:443",
    which some proxies write."""
    if not value:
        return None
    value = value.strip()
    if value.startswith("[") and "]" in value:
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address as seen through TRUSTED_PROXY_COUNT trusted proxies, or None if unknown.

    If the header holds fewer entries than there are trusted proxies, or the entry we would trust is not an
    address, the request did not come through our proxies as configured: the nearest peer (REMOTE_ADDR) is
    answered instead, never an address the client could have chosen.
    """
    meta = getattr(request, "META", {}) or {}
    remote = _parse(meta.get("REMOTE_ADDR"))
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    forwarded = [part for part in (meta.get("HTTP_X_FORWARDED_FOR") or "").split(",") if part.strip()]
    if len(forwarded) < count:
        return remote
    return _parse(forwarded[-count]) or remote
