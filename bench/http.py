"""A minimal loopback HTTP client: one keep-alive connection, cookies, CSRF, the htmx header.

The app runs with production settings, so its cookies are Secure; this client sends them back over
plain HTTP to 127.0.0.1, as the load test's client does.
"""

from __future__ import annotations

import http.client
import json
import time
import urllib.parse
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any


@dataclass
class Reply:
    status: int
    location: str
    ms: float
    body: bytes


class Client:
    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(
        self,
        method: str,
        path: str,
        data: dict[str, Any] | None = None,
        htmx: bool = False,
        api_key: str = "",
        json_body: Any = None,
    ) -> Reply:
        headers = {"Host": "127.0.0.1"}
        body = None
        if api_key:
            # The JSON API: the key only, no session cookies (the API refuses sessions).
            headers["Authorization"] = f"Bearer {api_key}"
            if json_body is not None:
                headers["Content-Type"] = "application/json"
                body = json.dumps(json_body)
        else:
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            if method == "POST":
                headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
                headers["Content-Type"] = "application/x-www-form-urlencoded"
                body = urllib.parse.urlencode(data or {}, doseq=True)
        if htmx:
            headers["HX-Request"] = "true"
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            payload = response.read()
        except (http.client.HTTPException, OSError):
            # The server closed an idle keep-alive connection: reconnect once, as a browser does.
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            started = time.perf_counter()
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            payload = response.read()
        ms = (time.perf_counter() - started) * 1000
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return Reply(response.status, response.headers.get("Location", ""), ms, payload)

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def post(self, path: str, data: dict[str, Any] | None = None, htmx: bool = False) -> Reply:
        return self.request("POST", path, data, htmx)

    def api(self, method: str, path: str, api_key: str, json_body: Any = None) -> Reply:
        return self.request(method, path, api_key=api_key, json_body=json_body)

    def login(self, email: str, password: str) -> None:
        self.get("/accounts/login/")
        reply = self.post("/accounts/login/", {"username": email, "password": password})
        if reply.status != 302:
            raise RuntimeError(f"sign-in failed for {email}: {reply.status}")

    def close(self) -> None:
        self.conn.close()
