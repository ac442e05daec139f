"""Sending webhook deliveries: the signature, the refusal of private targets, and one HTTP attempt.

Signature (``docs/api.md`` "Webhooks"): ``KPO-Webhook-Signature: v1=<hex>``, the HMAC-SHA256 of
``"<timestamp>.<body>"`` with the endpoint's secret, where ``<timestamp>`` is the ``KPO-Webhook-Timestamp``
header (Unix seconds). Signing the timestamp with the body lets a receiver refuse an old delivery replayed
by someone who captured it.

Private targets: an endpoint may only be a public address, unless ``WEBHOOKS_ALLOW_PRIVATE`` (on in
development and tests, off in production). Otherwise an owner could make the server call what only the
server can reach (its database, a cloud's metadata address): server-side request forgery. An IPv6 address
that carries an IPv4 one (NAT64, IPv4-mapped or -compatible, 6to4, Teredo) is public only when the IPv4
address inside is public too. The address is checked when the endpoint is registered and again on every
attempt (every address the host resolves to), and the connection is made to the address that was checked,
so a DNS answer that changes between the check and the connection cannot smuggle a private one in.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import http.client
import ipaddress
import socket
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

from apps.common.hostile import ascii_int

USER_AGENT = "KPO-Advisor-Webhooks/1"
BODY_KEPT = 500  # characters of the response body kept on the delivery row


class BlockedTarget(Exception):
    """The URL names (or resolves to) an address webhooks may not call; the message says why."""


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """The ``KPO-Webhook-Signature`` header's value for this body sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def verify(*, secret: str, timestamp: str, body: bytes, header: str) -> bool:
    """What a receiver does (the documented check), used by the tests' listener."""
    sent_at = ascii_int(timestamp)
    if sent_at is None:
        return False
    return hmac.compare_digest(signature(secret=secret, timestamp=sent_at, body=body), header)


# IPv6 ranges whose addresses carry an IPv4 address in their last 32 bits. A NAT64 gateway (RFC 6052)
# forwards 64:ff9b::a00:1 to 10.0.0.1, and Python calls the IPv6 address global whatever it carries.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")  # deprecated (RFC 4291), still routed by some stacks
_IPV4_TRANSLATED = ipaddress.IPv6Network("::ffff:0:0:0/96")  # stateless translation (SIIT, RFC 2765/6145)
# The local-use NAT64 prefix (RFC 8215) belongs to a translator inside some network, with an embedding
# of its own choosing: never a public target.
_LOCAL_NAT64 = ipaddress.IPv6Network("64:ff9b:1::/48")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address leads to: NAT64, IPv4-compatible and IPv4-translated (the last 32 bits), 6to4
    (the gateway), Teredo (server and client); none for a plain IPv6 address."""
    if ip in _NAT64 or ip in _IPV4_COMPATIBLE or ip in _IPV4_TRANSLATED:
        return [ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)]
    if ip.sixtofour is not None:
        return [ip.sixtofour]
    if ip.teredo is not None:
        return list(ip.teredo)
    return []


# Special-purpose ranges Python's ``is_global`` still calls global (review 60): deprecated site-local IPv6, SRv6
# segment identifiers (RFC 9602), the newer IPv6 documentation block (RFC 9637), ORCHID and ORCHIDv2 (RFC 4843,
# RFC 7343) and the retired 6to4 relay anycast (RFC 7526). None is a receiver on the public internet.
_SPECIAL = tuple(
    ipaddress.ip_network(n)
    for n in ("fec0::/10", "5f00::/16", "3fff::/20", "2001:10::/28", "2001:20::/28", "192.88.99.0/24")
)


def _public(address: str) -> bool:
    """True when webhooks may call ``address``: a global unicast address, and any IPv4 address it carries
    (NAT64, IPv4-mapped, IPv4-compatible, 6to4, Teredo) global too. The one check for registration and for
    every address resolved at delivery."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:  # the socket connects to the IPv4 address itself
            return _public(str(ip.ipv4_mapped))
        if ip in _LOCAL_NAT64 or not all(_public(str(inner)) for inner in _embedded_ipv4(ip)):
            return False
    if any(ip.version == net.version and ip in net for net in _SPECIAL):
        return False
    return ip.is_global and not ip.is_multicast


def resolve(url: str) -> tuple[str, int, str]:
    """The URL's host, port and the address to connect to; raises BlockedTarget for an address webhooks
    may not call (any private, loopback, link-local or reserved one, unless private targets are allowed)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BlockedTarget("The URL must start with http:// or https:// and name a host.")
    if "@" in parts.netloc:
        # A user name or password in the address would be stored, shown on the page and sent to every proxy on the
        # way (the table refuses it too: webhook_url_no_userinfo).
        raise BlockedTarget(
            "Leave the user name and password out of the URL: each delivery is signed with the endpoint's secret, "
            "which your receiver checks instead."
        )
    try:
        given = parts.port
    except ValueError:
        given = -1
    if given is not None and not 1 <= given <= 65535:
        # Port 0 names no port: nothing could ever be delivered there (review 70).
        raise BlockedTarget("The URL's port is not a number between 1 and 65535.")
    port = given or (443 if parts.scheme == "https" else 80)
    try:
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise BlockedTarget(f"The host “{parts.hostname}” could not be found.") from None
    addresses = [str(info[4][0]) for info in found]
    if not settings.WEBHOOKS_ALLOW_PRIVATE and not all(_public(a) for a in addresses):
        raise BlockedTarget(
            f"“{parts.hostname}” is a private, loopback or reserved address; webhooks go to public addresses only."
        )
    return parts.hostname, port, addresses[0]


@dataclass(frozen=True)
class Response:
    code: int
    body: str


def post(*, url: str, body: bytes, headers: dict[str, str]) -> Response:
    """One POST of ``body`` to ``url``, no redirects followed, the whole attempt (connect, send, the answer's status
    line, headers and the start of its body) within ``WEBHOOK_TIMEOUT_SECONDS``. Raises BlockedTarget, or OSError
    (refused, TLS, or TimeoutError: no full answer in time) when nothing answered.

    Each socket operation has that timeout too, but that alone bounds each read, not the attempt: a receiver
    sending a byte every few seconds had held the one worker, and every organisation's mail and memos queued behind
    it, for as long as it kept sending (review 55). So a timer shuts the connection at the deadline, which ends any
    read under way."""
    host, port, address = resolve(url)
    parts = urlsplit(url)
    timeout = settings.WEBHOOK_TIMEOUT_SECONDS
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(host, port, timeout=timeout)
    else:
        connection = http.client.HTTPConnection(host, port, timeout=timeout)

    opened: list[socket.socket] = []
    expired = threading.Event()

    def to_checked_address(_address: Any, timeout: Any = None, source_address: Any = None) -> socket.socket:
        # The host name still goes into TLS (SNI, certificate check) and the Host header.
        sock = socket.create_connection((address, port), timeout, source_address)
        opened.append(sock)
        if expired.is_set():  # the deadline passed while connecting
            _shut(sock)
        return sock

    def at_deadline() -> None:
        expired.set()
        # Over https the connection reads through the TLS socket that wraps the one opened (which wrapping detaches,
        # so shutting that one alone did nothing: review 57); the connection's own socket is shut too.
        for sock in [*opened, getattr(connection, "sock", None)]:
            if sock is not None:
                _shut(sock)

    # Pins the checked address. typeshed leaves out http.client's private connect hook, which this replaces.
    connection._create_connection = to_checked_address  # type: ignore[attr-defined]
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    deadline = threading.Timer(timeout, at_deadline)
    deadline.daemon = True
    deadline.start()
    try:
        connection.request("POST", path, body=body, headers={"User-Agent": USER_AGENT, **headers})
        reply = connection.getresponse()
        start = reply.read(BODY_KEPT * 4).decode("utf-8", errors="replace")[:BODY_KEPT]
        if expired.is_set():
            raise TimeoutError(f"no full answer within {timeout} s")
        return Response(reply.status, start)
    except (OSError, http.client.HTTPException) as failed:
        if expired.is_set():
            raise TimeoutError(f"no full answer within {timeout} s") from failed
        raise
    finally:
        deadline.cancel()
        connection.close()


def _shut(sock: socket.socket) -> None:
    """End a connection's reads and writes under way (from the deadline's thread); closing is left to its owner."""
    with contextlib.suppress(OSError):  # already closed, or never connected
        sock.shutdown(socket.SHUT_RDWR)
