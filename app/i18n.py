"""Vietnamese first, English second.

Source strings in templates and code are Vietnamese; ``app/translations`` and any
``app/<feature>/translations`` folder hold the English catalogues (``.po`` committed with their
compiled ``.mo``; ``motcua i18n compile`` rebuilds them offline).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.support import NullTranslations
from flask import Flask, current_app, g, has_app_context, has_request_context, request, session
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

APP_DIR = Path(__file__).resolve().parent
LOCAL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def translation_directories() -> list[str]:
    dirs = [APP_DIR / "translations", *sorted(APP_DIR.glob("*/translations"))]
    return [str(d) for d in dirs if d.is_dir()]


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands and background work speak the default
        return str(languages[0])
    asked = request.args.get("lang") if request.environ.get("QUERY_STRING") else None
    chosen = asked or session.get("lang")
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


def request_translations() -> NullTranslations:
    """Flask-Babel's translations for this request, looked up once per request.

    Flask-Babel resolves the domain, the locale and its cache on every gettext call; templates
    call it dozens of times per page. The result is kept where Flask-Babel keeps per-request
    state (``babel_translations`` on its context, which its ``refresh()`` and
    ``force_locale()`` reset), so a locale change still takes effect as documented.
    """
    try:
        cached: NullTranslations | None = g._flask_babel.babel_translations
    except (AttributeError, RuntimeError):  # not looked up yet, or no app context
        cached = None
    if cached is None:
        from flask_babel import get_translations

        cached = get_translations()
        if has_app_context() and "_flask_babel" in g:
            g._flask_babel.babel_translations = cached
    return cached


def _translate(translations: NullTranslations, autoescape: bool, string: str,
               variables: dict[str, Any]) -> str:
    """What Jinja's i18n extension gives in "newstyle" mode (autoescape-aware, always
    %-formatted), in one call instead of three."""
    text: str = translations.ugettext(string)
    if autoescape:
        text = Markup(text)  # noqa: S704 - our own catalogue, as jinja2.ext.i18n does
    if variables or "%" in text:  # else formatting would return the same text
        text = text % variables
    return text


@pass_eval_context
def _jinja_gettext(eval_ctx: EvalContext, string: str, **variables: Any) -> str:
    """``_()`` / ``gettext()`` in templates."""
    return _translate(request_translations(), eval_ctx.autoescape, string, variables)


def bound_gettext(translations: NullTranslations | None = None) -> Callable[..., str]:
    """``_()`` for one render, bound to this request's translations: pass it to
    `render_template` as ``_`` on a hot page (the public look-up), where the template and the
    base layout call it some thirty times and each look-up of the translations costs more
    than the translation."""
    bound = translations or request_translations()

    @pass_eval_context
    def gettext(eval_ctx: EvalContext, string: str, **variables: Any) -> str:
        return _translate(bound, eval_ctx.autoescape, string, variables)

    return gettext


def register_i18n(app: Flask) -> None:
    from app.extensions import babel

    app.config.setdefault("BABEL_DEFAULT_LOCALE", "vi")
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Asia/Ho_Chi_Minh")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(translation_directories())
    babel.init_app(app, locale_selector=select_locale)
    from flask_babel import get_locale

    app.jinja_env.globals["get_locale"] = get_locale
    # Same callables as Flask-Babel installs, reading the per-request translations once.
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
    )
    app.jinja_env.globals.update(_=_jinja_gettext, gettext=_jinja_gettext)
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["local_date"] = local_date
