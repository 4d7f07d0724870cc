"""One ASGI middleware for what every response needs: the bearer token, the body limit, the
security headers, one log line per request, and a JSON 500 (never a traceback) on a bug."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from docreview.server.logs import error_location
from docreview.server.settings import ServerSettings

# No inline script or style anywhere: the page's JS and CSS are files served by docreview.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
OPEN_PATHS = ("/healthz", "/static/", "/openapi.json")


# A client still sending a refused body gets a broken pipe instead of the 413 unless the server
# reads the rest first; up to this many bytes it does, past it the connection just closes.
_DRAIN_CAP = 16 * 1024 * 1024


async def _drain(receive, cap: int) -> None:
    read = 0
    while read <= cap:
        message = await receive()
        if message["type"] != "http.request":
            return
        read += len(message.get("body", b""))
        if not message.get("more_body"):
            return


class BodyTooLarge(Exception):
    pass


def error_body(kind: str, message: str) -> bytes:
    return json.dumps({"error": kind, "message": message}).encode()


class GuardMiddleware:
    def __init__(self, app: Any, settings: ServerSettings, logger: logging.Logger) -> None:
        self.app, self.settings, self.logger = app, settings, logger

    def _needs_token(self, path: str) -> bool:
        return bool(self.settings.tokens) and path != "/" and not path.startswith(OPEN_PATHS)

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        path: str = scope.get("path", "")
        state = {"status": 0, "sent": False}
        headers = dict(scope.get("headers") or [])

        async def guarded_send(message: dict) -> None:
            if message["type"] == "http.response.start":
                state["status"], state["sent"] = message["status"], True
                extra = list(HEADERS)
                if path.startswith("/v1/") or path == "/healthz":
                    extra.append((b"cache-control", b"no-store"))
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        async def reply(status: int, kind: str, message: str, more: list[tuple[bytes, bytes]] | None = None) -> None:
            body = error_body(kind, message)
            await guarded_send({"type": "http.response.start", "status": status,
                                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *(more or [])]})
            await send({"type": "http.response.body", "body": body})

        user = self.settings.user
        try:
            if self._needs_token(path):
                auth = headers.get(b"authorization", b"").decode("latin-1")
                token = auth[7:].strip() if auth[:7].lower() == "bearer " else None
                found = self.settings.user_for(token)
                if found is None:
                    await reply(401, "unauthorized", "a bearer token is required (Authorization: Bearer <token>; see DOCREVIEW_TOKEN)",
                                [(b"www-authenticate", b'Bearer realm="docreview"')])
                    return
                user = found
            scope.setdefault("state", {})["user"] = user
            limit = self.settings.body_limit
            length = headers.get(b"content-length")
            if length is not None:
                try:
                    too_big = int(length) > limit
                except ValueError:
                    too_big = False
                if too_big:
                    await _drain(receive, _DRAIN_CAP)
                    await reply(413, "too_large", f"the request body is larger than {limit:,} bytes (a note may hold up to 1 MB; split it by encounter)")
                    return
            received = 0

            async def limited_receive() -> dict:
                nonlocal received
                message = await receive()
                if message["type"] == "http.request":
                    received += len(message.get("body", b""))
                    if received > limit:
                        raise BodyTooLarge
                return message

            await self.app(scope, limited_receive, guarded_send)
        except BodyTooLarge:
            if not state["sent"]:
                await _drain(receive, _DRAIN_CAP)
                await reply(413, "too_large", f"the request body is larger than {limit:,} bytes (a note may hold up to 1 MB; split it by encounter)")
        except Exception as exc:  # a bug: JSON 500, logged by type and place only (a message may quote the note)
            self.logger.error("internal error on %s %s: %s", scope.get("method"), path, error_location(exc))
            if not state["sent"]:
                await reply(500, "internal", "internal error; the server log names where it happened")
        finally:
            self.logger.info("%s %s %s %.1fms user=%s", scope.get("method"), path, state["status"] or "-",
                             (time.perf_counter() - started) * 1000, user)
