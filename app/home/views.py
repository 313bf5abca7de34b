"""Handlers: the desk's home page, the language switch and /healthz (rules: blueprint.py)."""

from __future__ import annotations

from flask import (
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from app.extensions import db
from app.security import public
from app.web import safe_next


def index() -> str:
    return render_template("home/index.html")


@public
def set_language(code: str) -> Response:
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    return redirect(safe_next(request.args.get("next"), url_for("home.index")))


@public
def healthz() -> tuple[Response, int]:
    """Is the database answering? A bare connection: no session, hence no ORM at start-up."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok"), 200
