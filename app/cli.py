"""The ``motcua`` command: serve, database, staff, keys, audit and every feature's commands."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from app.models.roles import Role


def _create_app() -> Flask:
    from app import create_app

    return create_app()


def fail(message: str, code: int = 1) -> None:
    click.echo(message, err=True)
    sys.exit(code)


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False,
             add_version_option=False, load_dotenv=False, set_debug_flag=False)
def main() -> None:
    """motcua — Một cửa số (the digital one-stop desk)."""


# --- database ------------------------------------------------------------------------------
@click.group("db")
def db_group() -> None:
    """Database schema (Alembic migrations)."""


@db_group.command("upgrade")
@click.option("--revision", default="heads", show_default=True)
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION."""
    from app.migrate import upgrade

    upgrade(current_app.config["DATABASE_URL"], revision)
    click.echo("ok: database schema is up to date")


@db_group.command("current")
@with_appcontext
def db_current() -> None:
    from app.extensions import db
    from app.migrate import current, heads

    click.echo(json.dumps({"current": current(db.engine),
                           "heads": heads(current_app.config["DATABASE_URL"])}))


# --- staff ---------------------------------------------------------------------------------
@click.group("staff")
def staff_group() -> None:
    """Staff accounts."""


@staff_group.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--full-name", default="")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def staff_add(username: str, role: str, full_name: str, password_stdin: bool) -> None:
    """Create a staff account (password from a prompt, or --password-stdin)."""
    from app.auth.operations import create_staff
    from app.errors import AppError
    from app.extensions import db

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Mật khẩu / Password", hide_input=True,
                                confirmation_prompt=True)
    try:
        create_staff(db.session, username=username, role=Role(role), password=password,
                     full_name=full_name, actor="cli")
    except AppError as exc:
        db.session.rollback()
        fail(f"error: {exc.message}")
    db.session.commit()
    click.echo(f"ok: created {username.strip().lower()} ({role})")


# --- keys ----------------------------------------------------------------------------------
@click.group("keys")
def keys_group() -> None:
    """Receipt-signing keys (ES256)."""


@keys_group.command("rotate")
@with_appcontext
def keys_rotate() -> None:
    """Make a new signing key; old public keys stay published in the JWKS."""
    from app import keyring

    key = keyring(current_app).rotate()
    click.echo(json.dumps({"kid": key.kid, "published": len(keyring(current_app).jwks()["keys"])}))


@keys_group.command("list")
@with_appcontext
def keys_list() -> None:
    from app import keyring

    click.echo(json.dumps(keyring(current_app).jwks(), indent=2))


# --- audit ---------------------------------------------------------------------------------
@click.group("audit")
def audit_group() -> None:
    """The hash-chained audit log."""


@audit_group.command("verify")
@with_appcontext
def audit_verify() -> None:
    """Walk the chain; exit 1 and name the first tampered entry if any."""
    from app.audit.operations import verify_chain
    from app.extensions import db

    check = verify_chain(db.session)
    if check.ok:
        click.echo(f"ok: {check.entries} entries, chain intact")
        return
    fail(f"TAMPERED: first bad entry #{check.first_bad}: {check.reason}")


# --- serve ---------------------------------------------------------------------------------
@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
@click.option("--no-migrate", is_flag=True, help="Do not apply database migrations first.")
@with_appcontext
def serve(host: str, port: int, workers: int, no_migrate: bool) -> None:
    """Run the service with gunicorn (migrations applied first)."""
    from app.extensions import db
    from app.migrate import upgrade
    from app.models.staff import Staff

    config = current_app.config
    if not no_migrate:
        upgrade(config["DATABASE_URL"])
    has_staff = db.session.query(Staff.id).first() is not None
    db.remove_session()
    db.engine.dispose()
    click.echo(f"motcua: http://{host}:{port}  (database: {_safe_url(config['DATABASE_URL'])})")
    if not has_staff:
        click.echo("Chưa có tài khoản nào / no account yet. In another terminal run:\n"
                   "  motcua staff add admin --role admin")
    _run_gunicorn(host, port, workers)


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _run_gunicorn(host: str, port: int, workers: int) -> None:
    from gunicorn.app.base import BaseApplication

    class _Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("accesslog", "-")
            self.cfg.set("timeout", 120)
            # No shared control socket in $HOME: several servers on one host must not collide.
            if "control_socket_disable" in self.cfg.settings:
                self.cfg.set("control_socket_disable", True)

        def load(self) -> Any:
            from app import create_app
            from app.routing import load_views

            app = create_app()
            # A long-running worker imports its views now: an import error stops the boot,
            # and no citizen waits for a feature's first import.
            load_views(app)
            return app

    os.environ.setdefault("MOTCUA_INSTANCE_PATH", current_app.instance_path)
    _Server().run()


# --- i18n ----------------------------------------------------------------------------------
@click.group("i18n")
def i18n_group() -> None:
    """Translations (offline)."""


@i18n_group.command("extract")
def i18n_extract() -> None:
    """Update the English catalogue with every Vietnamese source string."""
    from app.i18n_tools import MAIN_PO, update_english

    total, missing = update_english()
    click.echo(f"{MAIN_PO}: {total} messages, {missing} untranslated")


@i18n_group.command("compile")
def i18n_compile() -> None:
    """Compile every .po under app/ into its .mo."""
    from app.i18n_tools import compile_all

    for path in compile_all():
        click.echo(f"compiled {path}")


CORE_COMMANDS = [db_group, staff_group, keys_group, audit_group, serve, i18n_group]


if __name__ == "__main__":  # pragma: no cover
    main()
