"""A redirect that does its slow or revealing work only after it has been sent."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpResponseRedirect

logger = logging.getLogger(__name__)


class RedirectThen(HttpResponseRedirect):
    """Redirect, and run ``then`` when the response is closed.

    WSGI and ASGI servers close a response after writing it to the client (the test client does the
    same), so the client has its answer before ``then`` runs: how long ``then`` takes, or whether it
    does anything at all, cannot show in the response's timing. ``then`` runs before the closing
    signal, so it can still use the database connection. A failure is logged, never raised: the
    answer is already gone.
    """

    def __init__(self, redirect_to: str, then: Callable[[], object] | None = None) -> None:
        super().__init__(redirect_to)
        self._then = then

    def close(self) -> None:
        then, self._then = self._then, None
        try:
            if then is not None:
                then()
        except Exception:
            logger.exception("work after the response failed")
        finally:
            super().close()
