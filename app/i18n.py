"""Vietnamese first, English second.

Source strings in templates and code are Vietnamese; ``app/translations`` and any
``app/<feature>/translations`` folder hold the English catalogues (``.po`` committed with their
compiled ``.mo``; ``motcua i18n compile`` rebuilds them offline).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask, current_app, request, session

APP_DIR = Path(__file__).resolve().parent
LOCAL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def translation_directories() -> list[str]:
    dirs = [APP_DIR / "translations", *sorted(APP_DIR.glob("*/translations"))]
    return [str(d) for d in dirs if d.is_dir()]


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    chosen = request.args.get("lang") or session.get("lang")
    if chosen in languages:
        return str(chosen)
    return str(languages[0])


def local_time(value: datetime | None, fmt: str = "%d/%m/%Y %H:%M") -> str:
    """dd/mm/yyyy HH:MM in Asia/Ho_Chi_Minh; the one date format of the UI."""
    if value is None:
        return ""
    if value.tzinfo is None:
        raise ValueError("naive datetime")
    return value.astimezone(LOCAL_ZONE).strftime(fmt)


def local_date(value: datetime | None) -> str:
    return local_time(value, "%d/%m/%Y")


def register_i18n(app: Flask) -> None:
    from app.extensions import babel

    app.config.setdefault("BABEL_DEFAULT_LOCALE", "vi")
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Asia/Ho_Chi_Minh")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(translation_directories())
    babel.init_app(app, locale_selector=select_locale)
    from flask_babel import get_locale

    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["local_date"] = local_date
