"""The server's settings (pydantic), passed to worker processes as JSON in the environment."""

from __future__ import annotations

import os
import secrets

from pydantic import Field

from docreview.records import Record

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
SETTINGS_ENV = "DOCREVIEW_SERVE_SETTINGS"
DEFAULT_BODY_LIMIT = 1_100_000  # a 1 MB note (the reviewer's limit) plus its claim


class ServerSettings(Record):
    host: str = "127.0.0.1"
    port: int = Field(default=8765, ge=0, le=65535)
    mode: str = "rules"
    corpus: str | None = None
    hcpcs: str | None = None
    user: str = "local"
    tokens: dict[str, str] = Field(default_factory=dict, description="token -> user; empty: no token needed (loopback)")
    audit: bool = True
    store_notes: bool = False
    body_limit: int = Field(default=DEFAULT_BODY_LIMIT, ge=1024)
    log_file: str | None = None

    @property
    def loopback(self) -> bool:
        return self.host in LOOPBACK

    def user_for(self, token: str | None) -> str | None:
        """The user a bearer token belongs to; None when a token is needed and this one is wrong."""
        if not self.tokens:
            return self.user
        if token is None:
            return None
        for known, user in self.tokens.items():
            if secrets.compare_digest(known.encode(), token.encode()):
                return user
        return None


def parse_tokens(value: str, default_user: str) -> dict[str, str]:
    """DOCREVIEW_TOKEN: one token (used as --user), or `user:token` pairs separated by commas."""
    tokens: dict[str, str] = {}
    for item in (p.strip() for p in value.split(",")):
        if not item:
            continue
        user, sep, token = item.partition(":")
        if sep and user and token:
            tokens[token] = user
        else:
            tokens[item] = default_user
    return tokens


def resolve_tokens(host: str, default_user: str) -> tuple[dict[str, str], str | None]:
    """(tokens, a generated token to print once or None). Off loopback a token is required:
    DOCREVIEW_TOKEN's, or a new random one."""
    env = os.environ.get("DOCREVIEW_TOKEN", "")
    tokens = parse_tokens(env, default_user) if env else {}
    if tokens or host in LOOPBACK:
        return tokens, None
    generated = secrets.token_urlsafe(32)
    return {generated: default_user}, generated
