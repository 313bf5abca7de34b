"""motcua — Một cửa số: the digital one-stop desk."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click
from flask import Flask, request
from flask.cli import AppGroup
from flask.globals import request_ctx

from app.config import FEATURES, load_config
from app.crypto import FieldCipher
from app.errors import register_errors
from app.extensions import babel, csrf, db, limiter
from app.i18n import register_i18n
from app.instance import (
    DATA_KEY_FILE,
    HMAC_KEY_FILE,
    SECRET_FILE,
    ensure_instance,
    resolve_instance_path,
)
from app.keys import KeyRing
from app.logconfig import configure_logging
from app.navigation import nav_items, register_nav
from app.routing import App, register_routing
from app.security import register_security

REPO_DIR = Path(__file__).resolve().parent.parent
__all__ = ["babel", "create_app"]


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application: config → instance secrets → extensions → features."""
    overrides = dict(config or {})
    instance_path = resolve_instance_path(overrides.pop("INSTANCE_PATH", None))
    app = App(__name__, instance_path=str(instance_path),
              template_folder=str(REPO_DIR / "templates"), static_folder="static")
    settings = load_config(instance_path, overrides)
    secrets_found = ensure_instance(instance_path)
    if not settings.get("SECRET_KEY"):
        settings["SECRET_KEY"] = secrets_found[SECRET_FILE].decode()
    app.config.update(settings)
    app.config["MAX_CONTENT_LENGTH"] = settings["MAX_UPLOAD_MB"] * 1024 * 1024 + 64 * 1024
    app.config["PERMANENT_SESSION_LIFETIME"] = settings["SESSION_HOURS"] * 3600
    app.config["RATELIMIT_ENABLED"] = True
    app.extensions["motcua.cipher"] = FieldCipher(secrets_found[DATA_KEY_FILE],
                                                  secrets_found[HMAC_KEY_FILE])
    app.extensions["motcua.keyring"] = KeyRing(instance_path / "keys")
    configure_logging(settings["LOG_FORMAT"], settings["LOG_LEVEL"])
    register_routing(app)
    register_extensions(app)
    register_security(app)
    register_i18n(app)
    register_errors(app)
    register_features(app)
    register_commands(app)
    app.jinja_env.globals["nav_items"] = nav_items
    return app


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    csrf.init_app(app)
    _csrf_only_for_checked_methods(app)
    limiter.init_app(app)
    # One Limiter object serves every app of the process (the tests build many); Flask-Limiter
    # keeps the first app's key prefix, so state this app's explicitly.
    limiter._key_prefix = app.config["RATELIMIT_KEY_PREFIX"]
    # Every motcua limit is declared on its route, and the route decorator checks it when the
    # view runs. Flask-Limiter's before-request pass serves only default, application and
    # blueprint-wide limits, which motcua never declares (config cannot add them either); it
    # still cost each request about as much as a bare Flask view, so it is left out.
    # tests/foundation/test_ratelimit_routes.py fails if such a limit ever appears.
    app.before_request_funcs[None].remove(limiter._check_request_limit)
    # Its after-request (rate-limit headers, conditional deductions) and teardown hooks only
    # act on the state a route's limit check left in the request context; on the other
    # requests (the public look-up among them) they are skipped rather than run empty.
    _only_after_a_limit_check(app.after_request_funcs[None], returns_response=True)
    _only_after_a_limit_check(app.teardown_request_funcs[None], returns_response=False)


def _csrf_only_for_checked_methods(app: Flask) -> None:
    """Flask-WTF's before-request hook works out whether the view is exempt before it looks at
    the method; a GET is never checked, so it is not asked (every citizen's look-up is a GET).
    tests/foundation/test_security.py holds POST checked and GET through."""
    hooks = app.before_request_funcs[None]
    for position, hook in enumerate(hooks):
        if hook.__module__ == "flask_wtf.csrf" and hook.__name__ == "csrf_protect":

            def guarded(hook: Any = hook) -> Any:
                if request.method in app.config["WTF_CSRF_METHODS"]:
                    return hook()
                return None

            guarded.__name__ = "csrf_protect_checked_methods"
            hooks[position] = guarded


_LIMITER_STATE = "_limiter_request_context"
"""Where Flask-Limiter keeps a request's limit state (on the request context); a test fails
if a Flask-Limiter upgrade moves it (tests/foundation/test_ratelimit_routes.py)."""


def _only_after_a_limit_check(hooks: list[Any], *, returns_response: bool) -> None:
    for position, hook in enumerate(hooks):
        owner = getattr(hook, "__self__", None) or next(iter(getattr(hook, "args", ())), None)
        if owner is not limiter:
            continue

        def guarded(value: Any, hook: Any = hook) -> Any:
            if hasattr(request_ctx._get_current_object(), _LIMITER_STATE):
                return hook(value)
            return value if returns_response else None

        hooks[position] = guarded


def register_features(app: Flask) -> None:
    """Each ``app/<feature>/blueprint.py`` exposes ``bp`` (and may expose ``init_app(app)``);
    each ``app/<feature>/cli.py`` exposes ``commands`` (click commands added to ``motcua``).

    Both stay cheap at start-up: a blueprint module holds URL rules only (its views are imported
    on their first request, :mod:`app.routing`), and the command modules are imported when a
    command is first looked up (:func:`register_commands`)."""
    for name in FEATURES:
        if importlib.util.find_spec(f"app.{name}") is None:
            continue
        if importlib.util.find_spec(f"app.{name}.blueprint") is not None:
            module = importlib.import_module(f"app.{name}.blueprint")
            app.register_blueprint(module.bp)
            register_nav(app, list(getattr(module, "NAV", [])))
            if hasattr(module, "init_app"):
                module.init_app(app)


def register_commands(app: Flask) -> None:
    """``motcua``'s commands, imported when one is first looked up (:class:`Commands`)."""
    commands = Commands(app.name)
    commands.commands.update(app.cli.commands)  # any an extension added before
    app.cli = commands


def all_commands() -> list[click.Command]:
    """The core commands (:mod:`app.cli`) and every feature's ``cli.commands``."""
    from app.cli import CORE_COMMANDS

    commands = list(CORE_COMMANDS)
    for name in FEATURES:
        if importlib.util.find_spec(f"app.{name}") is None:
            continue
        if importlib.util.find_spec(f"app.{name}.cli") is not None:
            commands.extend(importlib.import_module(f"app.{name}.cli").commands)
    return commands


class Commands(AppGroup):
    """``app.cli``, filled with :func:`all_commands` when a command is first looked up (by
    ``motcua`` or ``app.test_cli_runner()``) rather than by every ``create_app``."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self._loaded = False

    def _load(self) -> None:
        if not self._loaded:
            self._loaded = True
            for command in all_commands():
                self.add_command(command)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        self._load()
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load()
        return super().list_commands(ctx)


def cipher(app: Flask) -> FieldCipher:
    found: FieldCipher = app.extensions["motcua.cipher"]
    return found


def keyring(app: Flask) -> KeyRing:
    found: KeyRing = app.extensions["motcua.keyring"]
    return found
