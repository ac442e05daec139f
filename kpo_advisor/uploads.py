"""Uploaded files stay in memory and within the request's body limit: nothing is ever written to disk.

Django's default handlers spool any file over FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file. The
only uploads are the admin's JSON imports (a few MB at most), so this one handler replaces both:
each file is kept in memory, and reading stops with a 400 (RequestDataTooBig) as soon as the files
pass the route's body limit (``request.body_limit``, set by RequestBodyLimitMiddleware, which has
normally refused such a body already, from its declared length).
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class BoundedMemoryUploadHandler(FileUploadHandler):
    """Keep every uploaded file in memory; refuse the request once their bytes pass the body limit."""

    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.limit: int = getattr(request, "body_limit", settings.DATA_UPLOAD_MAX_BYTES)
        self.received = 0  # across all files of the request
        self.file = BytesIO()

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.file = BytesIO()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.received += len(raw_data)
        if self.received > self.limit:
            raise RequestDataTooBig(f"Uploaded files exceed {self.limit} bytes.")
        self.file.write(raw_data)

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self.file.seek(0)
        return InMemoryUploadedFile(
            file=self.file,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
