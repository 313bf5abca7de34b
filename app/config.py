"""Configuration in layers: defaults → instance file → ``MOTCUA_*`` environment → overrides.

Every key is declared once with its type and a validator; an unknown key or a bad value stops
start-up with a :class:`ConfigError` that names the key. Nothing here runs at import time.
Features may declare their own keys in ``app/<feature>/settings.py`` as ``SETTINGS``.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

ENV_PREFIX = "MOTCUA_"
# Environment variables that steer the process rather than the app's configuration.
META_ENV = frozenset(
    {"MOTCUA_INSTANCE_PATH", "MOTCUA_TEST_DATABASE_URL", "MOTCUA_REQUIRE_BROWSER",
     "MOTCUA_REQUIRE_OIDC", "MOTCUA_CONFIG_FILE"}
)
INSTANCE_CONFIG_FILE = "config.toml"


class ConfigError(ValueError):
    """Raised when a configuration key is unknown or its value is invalid."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"Cấu hình không hợp lệ / invalid configuration: {key}: {message}")
        self.key = key


class Setting(NamedTuple):
    """One configuration key: its default, how to parse text (env) and how to check the value.

    A NamedTuple rather than a frozen dataclass: defined by every start-up, where building a
    dataclass costs about a millisecond (its methods are generated and compiled).
    """

    default: Any
    parse: Callable[[str], Any] = str
    check: Callable[[Any], str | None] = lambda _v: None
    secret: bool = False


def parse_bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected true/false, got {text!r}")


def positive(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        return "must be a positive number"
    return None


def non_negative_int(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return "must be a whole number ≥ 0"
    return None


def one_of(*choices: str) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        return None if value in choices else f"must be one of {', '.join(choices)}"

    return check


def http_url(value: Any) -> str | None:
    if not isinstance(value, str):
        return "must be text"
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return "must be an absolute http(s) URL"
    if parts.query or parts.fragment:
        return "must not have a query or fragment"
    return None


def optional_http_url(value: Any) -> str | None:
    return None if value in (None, "") else http_url(value)


def database_url(value: Any) -> str | None:
    if not isinstance(value, str) or "://" not in value:
        return "must be an SQLAlchemy URL such as sqlite:///path or postgresql://user@host/db"
    if value.split("://", 1)[0].split("+")[0] not in {"sqlite", "postgresql", "postgres"}:
        return "only sqlite and postgresql are supported"
    return None


def storage_uri(value: Any) -> str | None:
    if not isinstance(value, str) or value.split("://", 1)[0] not in {
        "memory", "redis", "rediss", "redis+sentinel", "redis+cluster"}:
        return "must be memory:// or a redis:// URI"
    return None


def text(value: Any) -> str | None:
    return None if isinstance(value, str) else "must be text"


def rate_limit(value: Any) -> str | None:
    """A Flask-Limiter rate string: "10 per minute", or several joined by ";"."""
    from limits import parse_many

    if not isinstance(value, str):
        return "must be a rate such as '10 per minute'"
    try:
        parse_many(value)
    except ValueError as exc:
        return f"not a rate limit such as '10 per minute': {exc}"
    return None


CORE_SETTINGS: dict[str, Setting] = {
    "SECRET_KEY": Setting(None, check=lambda v: None if v is None or (
        isinstance(v, str) and len(v) >= 32) else "must be at least 32 characters", secret=True),
    "DATABASE_URL": Setting(None, check=lambda v: None if v is None else database_url(v)),
    "PUBLIC_BASE_URL": Setting("http://127.0.0.1:8000", check=http_url),
    "RATELIMIT_STORAGE_URI": Setting("memory://", check=storage_uri),
    "RATELIMIT_KEY_PREFIX": Setting("motcua", check=text),
    "PROXY_FIX": Setting(0, parse=int, check=non_negative_int),
    "LOG_FORMAT": Setting("text", check=one_of("text", "json")),
    "LOG_LEVEL": Setting("INFO", check=one_of("DEBUG", "INFO", "WARNING", "ERROR")),
    "LANGUAGES": Setting(("vi", "en"), parse=lambda s: tuple(s.split(","))),
    "MAX_UPLOAD_MB": Setting(50, parse=int, check=positive),
    "LOGIN_MAX_FAILURES": Setting(5, parse=int, check=positive),
    "LOGIN_LOCK_MINUTES": Setting(15, parse=int, check=positive),
    "LOGIN_RATE_LIMIT": Setting("20 per minute", check=rate_limit),
    "SESSION_HOURS": Setting(10, parse=int, check=positive),
    "TIMEZONE": Setting("Asia/Ho_Chi_Minh", check=one_of("Asia/Ho_Chi_Minh")),
    "OIDC_ISSUER": Setting("", check=optional_http_url),
    "OIDC_CLIENT_ID": Setting("", check=text),
    "OIDC_CLIENT_SECRET": Setting("", check=text, secret=True),
    "OIDC_SCOPES": Setting("openid profile", check=text),
    "OIDC_ROLES_CLAIM": Setting("roles", check=text),
    "OIDC_ROLE_MAP": Setting("", check=text),
    "OIDC_PROVISION": Setting(True, parse=parse_bool),
    "TESTING": Setting(False, parse=parse_bool),
    "WTF_CSRF_ENABLED": Setting(True, parse=parse_bool),
    "DEBUG": Setting(False, parse=parse_bool),
}

FEATURES = ("home", "auth", "admin", "desk", "lookup", "activation", "verify", "api",
            "dashboard")


def feature_settings() -> dict[str, Setting]:
    """Collect ``SETTINGS`` from every ``app/<feature>/settings.py`` that exists."""
    found: dict[str, Setting] = {}
    for name in FEATURES:
        module_name = f"app.{name}.settings"
        if importlib.util.find_spec(f"app.{name}") is None:
            continue
        if importlib.util.find_spec(module_name) is None:
            continue
        found.update(importlib.import_module(module_name).SETTINGS)
    return found


def _coerce(key: str, setting: Setting, raw: Any, from_text: bool) -> Any:
    value = raw
    if from_text and isinstance(raw, str) and setting.parse is not str:
        try:
            value = setting.parse(raw)
        except (ValueError, TypeError) as exc:
            raise ConfigError(key, str(exc)) from exc
    if isinstance(setting.default, bool) and not isinstance(value, bool):
        raise ConfigError(key, "must be true or false")
    if isinstance(setting.default, int) and not isinstance(setting.default, bool) and (
            isinstance(value, bool) or not isinstance(value, int)):
        raise ConfigError(key, "must be a whole number")
    problem = setting.check(value)
    if problem:
        raise ConfigError(key, problem)
    return value


def _read_instance_file(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    import tomllib  # only when there is a file: start-up without one skips the parser

    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), f"not valid TOML: {exc}") from exc
    return {str(k).upper(): v for k, v in data.items()}


def _read_env(environ: Mapping[str, str]) -> dict[str, str]:
    return {k[len(ENV_PREFIX):]: v for k, v in environ.items()
            if k.startswith(ENV_PREFIX) and k not in META_ENV}


def load_config(instance_path: Path, overrides: Mapping[str, Any] | None = None,
                environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Merge the layers and validate every key; raises ConfigError naming the first bad key."""
    schema = {**CORE_SETTINGS, **feature_settings()}
    env = os.environ if environ is None else environ
    layers: list[tuple[str, dict[str, Any], bool]] = [
        ("instance file", _read_instance_file(instance_path / INSTANCE_CONFIG_FILE), False),
        ("environment", _read_env(env), True),
        ("overrides", {k.upper(): v for k, v in (overrides or {}).items()}, False),
    ]
    config = {key: setting.default for key, setting in schema.items()}
    for source, values, from_text in layers:
        for key, raw in values.items():
            if key not in schema:
                prefix = ENV_PREFIX if source == "environment" else ""
                raise ConfigError(f"{prefix}{key}", f"unknown key (from {source})")
            config[key] = _coerce(key, schema[key], raw, from_text)
    if not config["DATABASE_URL"]:
        config["DATABASE_URL"] = f"sqlite:///{instance_path / 'motcua.db'}"
    return config


def secret_keys() -> frozenset[str]:
    """Keys whose values must never be logged or shown."""
    return frozenset(k for k, s in {**CORE_SETTINGS, **feature_settings()}.items() if s.secret)
