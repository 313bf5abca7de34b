"""Registering, authenticating and revoking API clients and their tokens (no Flask).

Operations take the session and the moment explicitly and only flush; the caller commits.
Client secrets and access tokens are 256-bit random strings made here, never chosen by people:
no dictionary or brute-force attack can reach them, so a slow password KDF would add only
latency (and a denial-of-service lever on the token endpoint). Both are stored as SHA-256 and
compared in constant time; checking a token on every call is a single indexed read.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from limits import parse as parse_limit
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from app.api.scopes import normalise_scopes
from app.models.api_client import ApiClient, ApiToken

SECRET_PREFIX = "sha256$"  # noqa: S105 - a format tag, not a secret
DEFAULT_RATE_LIMIT = "120 per minute"


class InvalidRateLimit(ValueError):
    """Raised when a rate limit is not in Flask-Limiter notation (e.g. ``120 per minute``)."""

    code = "invalid_rate_limit"


@dataclass(frozen=True)
class NewClient:
    """A just-registered client; ``client_secret`` exists only here and is never stored."""

    client: ApiClient
    client_secret: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_rate_limit(text: str) -> str:
    try:
        parse_limit(text)
    except ValueError as exc:
        raise InvalidRateLimit(text) from exc
    return text.strip()


def create_client(session: Session, *, name: str, scopes: list[str] | str, created_by: str,
                  rate_limit: str = DEFAULT_RATE_LIMIT) -> NewClient:
    """Register a client; the returned secret must be shown once and then forgotten."""
    secret = secrets.token_urlsafe(32)
    client = ApiClient(
        client_id="mc_" + secrets.token_urlsafe(12),
        name=name.strip()[:200],
        secret_hash=secret_hash(secret),
        scopes=normalise_scopes(scopes),
        rate_limit=check_rate_limit(rate_limit),
        created_by=created_by[:128],
    )
    session.add(client)
    session.flush()
    return NewClient(client, secret)


def client_by_id(session: Session, client_id: str) -> ApiClient | None:
    """The client with this id, revoked or not."""
    return session.scalar(select(ApiClient).where(ApiClient.client_id == client_id))


def find_client(session: Session, client_id: str) -> ApiClient | None:
    """The active client with this id, or None (revoked clients cannot get tokens)."""
    client = client_by_id(session, client_id)
    return client if client is not None and client.active else None


def secret_hash(secret: str) -> str:
    return SECRET_PREFIX + hashlib.sha256(secret.encode("utf-8")).hexdigest()


def secret_matches(client: ApiClient | None, secret: str) -> bool:
    """Check a presented secret in constant time (an unknown client compares against zeros)."""
    stored = client.secret_hash if client else SECRET_PREFIX + "0" * 64
    same = hmac.compare_digest(stored.encode("ascii"), secret_hash(secret).encode("ascii"))
    return same and client is not None


def save_token(session: Session, *, client: ApiClient, access_token: str, scope: str,
               lifetime_s: int, now: datetime) -> ApiToken:
    # Expired tokens are useless; drop this client's old ones so the table stays small.
    session.execute(delete(ApiToken).where(ApiToken.client_pk == client.id,
                                           ApiToken.expires_at < now - timedelta(days=1)))
    token = ApiToken(token_hash=token_hash(access_token), client=client, scope=scope,
                     issued_at=now, expires_at=now + timedelta(seconds=lifetime_s),
                     lifetime_s=lifetime_s)
    session.add(token)
    session.flush()
    return token


def find_token(session: Session, access_token: str) -> ApiToken | None:
    """The stored token for this bearer string (with its client loaded), whatever its state."""
    return session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(access_token)))


def token_usable(token: ApiToken, now: datetime) -> bool:
    return token.revoked_at is None and token.client.active and now < token.expires_at


def revoke_token(session: Session, token: ApiToken, now: datetime) -> None:
    if token.revoked_at is None:
        token.revoked_at = now
        session.flush()


def revoke_client(session: Session, client: ApiClient, now: datetime) -> None:
    """Revoke the client and every token it holds."""
    if client.revoked_at is None:
        client.revoked_at = now
    session.execute(update(ApiToken).where(ApiToken.client_pk == client.id,
                                           ApiToken.revoked_at.is_(None))
                    .values(revoked_at=now))
    session.flush()


def list_clients(session: Session) -> list[ApiClient]:
    return list(session.scalars(select(ApiClient).order_by(ApiClient.created_at.desc(),
                                                           ApiClient.id.desc())))
