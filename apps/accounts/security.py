"""Security events: one log line each on the ``kpo_advisor.security`` logger, with the request id.

Events: ``login_succeeded``, ``login_failed``, ``login_locked`` (a throttle lock starts),
``login_refused_locked`` (an attempt while locked), ``logout``, ``session_expired`` (absolute
lifetime), ``permission_denied`` (any 403); ``password_change_failed`` (a wrong current password),
``password_change_refused_locked``, ``password_changed``, ``password_reset_limited`` (no mail: the
address's or the client's hourly mails are used up); ``invitation_sent``, ``invitation_accepted``,
``invitation_declined``, ``invitation_cancelled``; single sign-on: ``sso_login_succeeded``, ``sso_joined``,
``sso_refused``, ``login_refused_sso_required``, ``sso_domain_saved``, ``sso_domain_removed``.
docs/operations.md lists them. This module imports no models, so middleware and settings-time code can use it.
"""

from __future__ import annotations

import datetime
import json
import logging
import re
from typing import Any

from django.conf import settings
from django.http import HttpRequest

logger = logging.getLogger("kpo_advisor.security")

# The session key holding the sign-in time (epoch seconds), for the absolute session lifetime.
SESSION_LOGIN_AT = "login_at"

_PLAIN = re.compile(r"[\w.@:/+-]{1,200}")


class SignInRequest(HttpRequest):
    """What the sign-in code marks on the request (a type only, like ``MemberRequest``): set by the backends,
    read back with ``getattr`` and a default by the login forms, the SSO callback and SecurityEventsMiddleware,
    since a request that was never marked has none of them."""

    login_needs_sso: bool  # the password form was used for an email that must sign in with SSO
    login_locked_until: datetime.datetime  # the throttle refused: when the lock ends
    login_locked_network: bool  # ... and the lock is the client address's for every email, not the pair's
    sso_organisation_id: int  # the organisation an SSO sign-in joined, to work in first


def meta_key(header: str) -> str:
    """A header's key in ``request.META`` whichever way it is named: "X-Forwarded-For" (as HTTP sends it, and as the
    README gave it) or "HTTP_X_FORWARDED_FOR" (as Django keys it). Only the second had been read, so a proxy's
    header named the first way was never found, and every client had the proxy's address (review 55)."""
    key = header.strip().upper().replace("-", "_")
    if not key or key in ("REMOTE_ADDR",) or key.startswith("HTTP_"):
        return key
    return f"HTTP_{key}"


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the header a trusted proxy sets (CLIENT_IP_HEADER).

    For a list such as X-Forwarded-For the last entry is used: the one the proxy itself appended.
    """
    header = meta_key(getattr(settings, "CLIENT_IP_HEADER", ""))
    raw = (request.META.get(header, "") if header else "") or request.META.get("REMOTE_ADDR", "")
    return str(raw).split(",")[-1].strip()[:45]


def _value(value: Any) -> str:
    # Quote anything that is not a plain token, so a hostile email or path cannot forge log lines.
    text = str(value)
    return text if _PLAIN.fullmatch(text) else json.dumps(text[:200])


def security_event(request: HttpRequest, event: str, *, level: int = logging.INFO, **fields: Any) -> None:
    """Log ``event`` with the client address, the user (if any), the path and ``fields``."""
    user = getattr(request, "user", None)
    parts = {
        "event": event,
        "ip": client_ip(request) or "-",
        "user": user.pk if user is not None and user.is_authenticated else "-",
        "method": request.method or "-",
        "path": request.path,
        **fields,
    }
    logger.log(level, " ".join(f"{key}={_value(value)}" for key, value in parts.items()))
