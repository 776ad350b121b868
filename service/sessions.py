"""Who may continue a conversation: the session id is never handed out bare.

API clients get a token, `<id>.<HMAC-SHA256(secret, id)>`, and send it back as `session_id`; the
pages keep the same token in an HttpOnly, SameSite=Strict cookie that their scripts cannot read.
A token that does not verify (unsigned, forged, signed by another secret) starts a new
conversation, so nobody gets earlier words back without proving they own the session.

The secret is `QA_SESSION_SECRET`; without it a random one is drawn per process (tokens then end
with a restart, and several workers do not share sessions).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from starlette.requests import Request
from starlette.responses import Response

from qa.config import Settings
from qa.errors import InvalidSetting

COOKIE = "qa_session"
COOKIE_PATH = "/v1/"
TAG_CHARS = 12
MIN_SECRET_BYTES = 16


class SessionTokens:
    """Sign session ids and check tokens against one secret."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < MIN_SECRET_BYTES:
            raise InvalidSetting(
                f"QA_SESSION_SECRET must be at least {MIN_SECRET_BYTES} bytes long; e.g. "
                "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'")
        self._key = secret

    @classmethod
    def from_settings(cls, settings: Settings) -> SessionTokens:
        configured = settings.session_secret.get_secret_value() if settings.session_secret else ""
        return cls(configured.encode("utf-8") if configured else secrets.token_bytes(32))

    def _mac(self, session_id: str) -> str:
        digest = hmac.new(self._key, session_id.encode("utf-8"), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")

    def sign(self, session_id: str) -> str:
        return f"{session_id}.{self._mac(session_id)}"

    def verify(self, token: str | None) -> str | None:
        """The session id a token was issued for, or None when it does not verify."""
        if not token or token.count(".") != 1:
            return None
        session_id, mac = token.split(".")
        if session_id and hmac.compare_digest(mac.encode("utf-8", "replace"), self._mac(session_id).encode("ascii")):
            return session_id
        return None


def session_tag(session_id: str) -> str:
    """A short, one-way name for a session: what logs and pages show instead of the id."""
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()[:TAG_CHARS]


def set_cookie(response: Response, request: Request, token: str, max_age: float) -> None:
    """Keep the session token where the page's scripts cannot read it and other sites cannot send it."""
    response.set_cookie(COOKIE, token, max_age=int(max_age), path=COOKIE_PATH, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")


def clear_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(COOKIE, path=COOKIE_PATH, httponly=True, samesite="strict",
                           secure=request.url.scheme == "https")
