"""The static files storage a deployment collects with: whitenoise's compressed manifest storage, with brotli
switched by ``STATIC_BROTLI`` (on unless set false).

Brotli at its highest quality is slow: over the API reference's bundles and Django admin's scripts it was most of
collectstatic's CPU (about 45 s on the test machine), once per deployment. The test suite collects the static files
its production-like servers serve and never asks for a brotli copy, so it collects with ``STATIC_BROTLI=false``:
gzip copies are still made, and served the same way.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage


class ManifestStaticStorage(CompressedManifestStaticFilesStorage):
    def create_compressor(self, **kwargs: Any) -> Compressor:
        return super().create_compressor(**kwargs, use_brotli=getattr(settings, "STATIC_BROTLI", True))
