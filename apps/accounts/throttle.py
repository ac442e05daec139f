"""Throttles: wrong passwords lock an (email, client address) pair; rate limits cap actions per key.

Login throttling: too many wrong passwords for one email from one client address lock that pair.

LOGIN_THROTTLE_FAILURES failures within LOGIN_THROTTLE_LOCK_SECONDS lock the (email, address) pair
for LOGIN_THROTTLE_LOCK_SECONDS; while locked, no password is even checked. A successful sign-in
clears the pair, and a completed password reset clears every lock on the email. Counting takes a
row lock, so parallel guesses cannot slip past the limit.

The same count covers the current password typed on the change-password form (keyed by the
signed-in user's email): both are guesses at one account's password, so together they get one budget.

A client address is counted by ``client_key``: an IPv6 address by its /64 network (one subscriber's), an
IPv4-mapped one as its IPv4 address.

One client address also has a budget for all emails together (LOGIN_THROTTLE_CLIENT_FAILURES in the same
window, counted in the row whose email is empty, which no sign-in can type): one common password tried against
many addresses (password spraying) locks that address for every email, not only each pair after ten tries.
A successful sign-in does not clear it, so one account an attacker holds cannot reset the count.

Rate limits (``take``) count uses of an action per key in a fixed window: password-reset mails per
typed address and per client address. The key is counted whether or not an account has it.

django-axes does this too, but no release supports Django 6.1 yet; this is the small part we need.
"""

from __future__ import annotations

import ipaddress
import unicodedata
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.accounts.models import LoginThrottle, RateLimit


def client_key(ip: str) -> str:
    """The client address as the throttles count it: an IPv6 address by its /64 network, since one subscriber is
    given a whole /64 and could try a password from each of its 2**64 addresses (review 60), and an IPv4-mapped IPv6
    address as the IPv4 address it is; anything else as given."""
    text = ip.strip()
    # A proxy may append the port ("203.0.113.7:5555", "[2001:db8::1]:443"), or bracket an IPv6 address: the address
    # alone is counted, or every connection would have a count of its own (review 62).
    if text.startswith("["):
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return ip[:45]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def canonical(key: str) -> str:
    """A typed address as the limits count it: compatibility-normalised and case-folded, the way Django's password
    reset matches an account (NFKC, then casefold), so "viewer@demo.teſt" (a long s) counts as "viewer@demo.test",
    whose mailbox it reaches: each such look-alike had been three more reset mails an hour (review 80)."""
    return unicodedata.normalize("NFKC", key.strip()).casefold()


def _pair(email: str, ip: str) -> dict[str, str]:
    return {"email": canonical(email)[:320], "ip": client_key(ip)[:45]}


def _window() -> timedelta:
    return timedelta(seconds=settings.LOGIN_THROTTLE_LOCK_SECONDS)


def locked_until(*, email: str, ip: str) -> datetime | None:
    """When the pair's lock ends, or None when it may try a password now."""
    return (
        LoginThrottle.objects.filter(**_pair(email, ip), locked_until__gt=timezone.now())
        .values_list("locked_until", flat=True)
        .first()
    )


ANY_EMAIL = ""  # the row counting one client address's wrong passwords for every email together


def record_failure(*, email: str, ip: str) -> tuple[int, datetime | None]:
    """Count a wrong password. Returns (failures in this window, lock end if the pair is now locked)."""
    return _count(email, ip, settings.LOGIN_THROTTLE_FAILURES)


def client_locked_until(*, ip: str) -> datetime | None:
    """When the client address's lock for every email ends, or None."""
    return locked_until(email=ANY_EMAIL, ip=ip)


def record_client_failure(*, ip: str) -> datetime | None:
    """Count a wrong sign-in against the client address's budget for all emails; the lock's end once it is spent."""
    return _count(ANY_EMAIL, ip, settings.LOGIN_THROTTLE_CLIENT_FAILURES)[1]


def _count(email: str, ip: str, limit: int) -> tuple[int, datetime | None]:
    now = timezone.now()
    with transaction.atomic():
        row, _ = LoginThrottle.objects.select_for_update().get_or_create(
            **_pair(email, ip), defaults={"first_failure_at": now, "last_failure_at": now}
        )
        expired_lock = row.locked_until is not None and row.locked_until <= now
        if expired_lock or row.first_failure_at <= now - _window():
            row.failures, row.first_failure_at, row.locked_until = 0, now, None
        row.failures += 1
        row.last_failure_at = now
        if row.failures >= limit:
            row.locked_until = now + _window()
        row.save()
    return row.failures, row.locked_until


def clear(*, email: str, ip: str) -> None:
    """Forget the pair's failures (after a successful sign-in)."""
    LoginThrottle.objects.filter(**_pair(email, ip)).delete()


def clear_email(*, email: str) -> None:
    """Lift every lock on ``email`` (after its owner proved control of the mailbox by a reset)."""
    LoginThrottle.objects.filter(email=_pair(email, "")["email"]).delete()


def take(*, scope: str, key: str, limit: int, seconds: int) -> bool:
    """Count one use of ``scope`` by ``key``; False when more than ``limit`` uses fall in the window.

    Fixed windows of ``seconds`` from the first use. Every call counts, allowed or not, so the work
    (and the answer's timing) is the same either way; the row lock keeps parallel requests honest.
    """
    now = timezone.now()
    with transaction.atomic():
        row, _ = RateLimit.objects.select_for_update().get_or_create(
            scope=scope, key=canonical(key)[:320], defaults={"window_started_at": now}
        )
        if row.window_started_at <= now - timedelta(seconds=seconds):
            row.window_started_at, row.count = now, 0
        row.count += 1
        row.save(update_fields=["window_started_at", "count"])
    return row.count <= limit


def give_back(*, scope: str, key: str) -> None:
    """Forget the uses of ``scope`` by ``key``: a use whose work was refused after it was counted (a form's one-time
    token, taken before the service refused at a limit) leaves nothing to count."""
    RateLimit.objects.filter(scope=scope, key=canonical(key)[:320]).delete()


def prune() -> int:
    """Delete rows whose window and lock are over; returns how many. Run from cron (docs/operations.md)."""
    cutoff = timezone.now() - _window()
    stale = LoginThrottle.objects.filter(last_failure_at__lt=cutoff).filter(
        Q(locked_until__isnull=True) | Q(locked_until__lt=timezone.now())
    )
    # No rate limit's window is longer than a day.
    old_windows = RateLimit.objects.filter(window_started_at__lt=timezone.now() - timedelta(days=1))
    return stale.delete()[0] + old_windows.delete()[0]
