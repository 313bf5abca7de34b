"""``motcua api-client``: register, list and revoke the systems that may call the API.

Loaded by every ``create_app``: the models and operations are imported inside the commands.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from app.api.scopes import SCOPES, UnknownScope
from app.extensions import db


@click.group("api-client")
def api_client_group() -> None:
    """API clients (OAuth2 client credentials)."""


@api_client_group.command("add")
@click.argument("name")
@click.option("--scopes", "scopes", multiple=True, required=True, metavar="SCOPE...",
              help=f"One or more of: {', '.join(SCOPES)} (repeat, or separate by spaces).")
@click.option("--rate-limit", default=None, help="e.g. '120 per minute' (default from config).")
@click.argument("more_scopes", nargs=-1, metavar="")
@with_appcontext
def add(name: str, scopes: tuple[str, ...], rate_limit: str | None,
        more_scopes: tuple[str, ...]) -> None:
    """Register NAME; prints client_id and client_secret ONCE, as JSON."""
    from app.api import clients
    from app.audit.operations import record

    try:
        new = clients.create_client(
            db.session, name=name, scopes=[*scopes, *more_scopes], created_by="cli",
            rate_limit=rate_limit or current_app.config["API_DEFAULT_RATE_LIMIT"])
    except (UnknownScope, clients.InvalidRateLimit) as exc:
        db.session.rollback()
        click.echo(f"lỗi / error: {exc.code}: {exc}", err=True)
        sys.exit(2)
    record(db.session, actor="cli", action="api_client.create",
           target=f"client:{new.client.client_id}",
           details={"name": new.client.name, "scopes": new.client.scopes})
    db.session.commit()
    click.echo(json.dumps({"client_id": new.client.client_id, "client_secret": new.client_secret,
                           "name": new.client.name, "scopes": new.client.scopes.split(),
                           "rate_limit": new.client.rate_limit}, ensure_ascii=False))


@api_client_group.command("list")
@with_appcontext
def list_clients() -> None:
    """Registered clients as JSON (never their secrets)."""
    from app.api import clients

    rows = [{"client_id": c.client_id, "name": c.name, "scopes": c.scopes.split(),
             "rate_limit": c.rate_limit, "created_at": c.created_at.isoformat(),
             "revoked_at": c.revoked_at.isoformat() if c.revoked_at else None}
            for c in clients.list_clients(db.session)]
    click.echo(json.dumps(rows))


@api_client_group.command("revoke")
@click.argument("client_id")
@with_appcontext
def revoke(client_id: str) -> None:
    """Revoke CLIENT_ID and every token it holds."""
    from app.api import clients
    from app.audit.operations import record

    client = clients.client_by_id(db.session, client_id)
    if client is None:
        click.echo(f"lỗi / error: không có client / no such client: {client_id}", err=True)
        sys.exit(1)
    clients.revoke_client(db.session, client, datetime.now(UTC))
    record(db.session, actor="cli", action="api_client.revoke", target=f"client:{client_id}")
    db.session.commit()
    click.echo(json.dumps({"client_id": client_id, "revoked": True}))


commands = [api_client_group]
