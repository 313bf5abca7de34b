"""Handlers of the public side: the receipt keys (JWKS), the look-up page and the rating form.

No login anywhere here (public blueprint; URL rules in ``blueprint.py``). The token in the QR
fragment never reaches these views: the page's script (static/js/lookup.js) checks it against
the JWKS in the browser.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import (
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import Connection
from werkzeug.wrappers import Response

from app import cipher, keyring
from app.admin.agency import get_agency
from app.desk.operations import find_by_lookup_key
from app.errors import AppError, NotFound, error_page, problem, wants_json
from app.extensions import db, limiter
from app.i18n import bound_gettext, select_locale
from app.lookup import misses
from app.lookup.forms import RatingForm
from app.lookup.operations import (
    AgencyMissing,
    LookupPage,
    PageState,
    RatingError,
    complete_page,
    rate_dossier,
    read_state,
)
from app.lookup.pages import PageCache
from app.lookup.present import page_data
from app.security import append_headers, checked_headers, current_staff
from app.web import client_ip

JWKS_MAX_AGE = 300


def jwks() -> Response:
    """Every receipt public key ever made (old receipts keep verifying after a rotation)."""
    response = jsonify(keyring(current_app).jwks())
    response.headers["Cache-Control"] = f"public, max-age={JWKS_MAX_AGE}"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _not_found_message() -> str:
    return _("Không tìm thấy hồ sơ. Vui lòng quét lại mã QR trên giấy hẹn hoặc "
             "liên hệ Bộ phận một cửa.")


def _not_found() -> NotFound:
    return NotFound(_not_found_message(), code="dossier_not_found")


def _not_found_body(as_json: bool) -> str:
    """The 404 for an unknown key, the same for every unknown key (so it can be kept): its
    language links lead home rather than back to the key."""
    if as_json:
        return problem(404, _not_found_message(), code="dossier_not_found").get_data(as_text=True)
    return error_page(404, _not_found_message(), lang_next=url_for("home.index"))


def _state(connection: Connection, key: str, now: datetime) -> PageState:
    args = (key, now, current_app.config["PUBLIC_BASE_URL"], cipher(current_app))
    try:
        return read_state(connection, *args)
    except AgencyMissing:  # a new instance: the agency row is made on first use
        get_agency(db.session)
        db.session.commit()
        connection.rollback()  # a fresh snapshot that sees the new row
        return read_state(connection, *args)


def _load(key: str) -> LookupPage:
    now = datetime.now(UTC)
    return db.read(lambda connection: complete_page(connection, _state(connection, key, now),
                                                    now))


def _render(key: str, data: dict[str, Any], form: RatingForm | None) -> str:
    return render_template("lookup/status.html", d=data, form=form, key=key, _=bound_gettext())


def _body(key: str, page: LookupPage, as_json: bool) -> tuple[str, bool]:
    """The response body, built identically for a hit and a miss (the decoy), and whether it
    may be kept for the next request in the same state (no rating form with its CSRF token)."""
    data = page_data(page)
    if as_json:
        return current_app.json.dumps(data), True
    form = RatingForm() if data["rating"]["open"] else None
    return _render(key, data, form), form is None


def _anonymous() -> bool:
    """No staff header and no flashed message on this page: the same for every visitor."""
    return current_staff() is None and "_flashes" not in session


def _pages() -> PageCache:
    found: PageCache = current_app.extensions["motcua.lookup_pages"]
    return found


def _answer(connection: Connection, key: str, state: PageState, now: datetime,
            as_json: bool) -> str:
    """The body for ``state``: from the page cache, else built (and kept when shareable).

    An unknown key builds the decoy's page exactly as a known key builds its own, then answers
    with the 404; so a cold miss costs what a cold hit costs, and a warm one a warm hit.
    """
    # Everything else the body depends on: language, format, the links back to this page.
    here = (request.script_root, request.full_path) if state.found else (request.script_root,)
    # The language Flask-Babel will use (its own selector), without building a babel Locale.
    cache_key = (state.fingerprint(), select_locale(), as_json, here)
    shareable = as_json or _anonymous()  # asked before rendering pops the flashes
    body = _pages().get(cache_key) if shareable else None
    if body is None:
        body, keep = _body(key, complete_page(connection, state, now), as_json)
        if not state.found:
            body = _not_found_body(as_json)
        if keep and shareable:
            _pages().put(cache_key, body)
    return body


def _respond(connection: Connection, key: str, now: datetime,
             as_json: bool) -> tuple[PageState, str]:
    """The dossier's state and the body for it. No ORM session to begin and commit, no
    transaction round trips: standalone statements on a kept autocommit connection
    (`db.read`; app/lookup/operations.py says why that is consistent)."""
    state = _state(connection, key, now)
    return state, _answer(connection, key, state, now, as_json)


def status(key: str) -> Response:
    """The citizen's page (or JSON with ``Accept: application/json``); 404 for unknown keys."""
    as_json = wants_json()
    now = datetime.now(UTC)
    state, body = db.read(lambda connection: _respond(connection, key, now, as_json))
    if state.found:
        misses.touch(client_ip())
    else:
        misses.count_miss(client_ip())  # raises 429 once over the limit
    response = current_app.response_class(
        body, status=200 if state.found else 404,
        mimetype=("text/html" if not as_json else "application/json" if state.found
                  else "application/problem+json"))
    append_headers(response.headers, _HEADERS)
    session.accessed = False  # Vary: Cookie is said already (Flask would parse it to add it)
    return response


_HEADERS = checked_headers([("Cache-Control", "no-store"), ("Vary", "Accept, Cookie")])
"""The body depends on the Accept header and on the session's cookie (language, staff
header); it is never stored by a cache."""


def _invalid(key: str, page: LookupPage, form: RatingForm) -> tuple[str, int]:
    """The form again with its errors (422); JSON clients get the first error as a problem."""
    if wants_json():
        field, errors = next(iter(form.errors.items()))
        raise RatingError(str(errors[0]), code="rating_invalid", status=422, field=field)
    return _render(key, page_data(page), form), 422


def _rating_limit() -> str:
    return str(current_app.config["LOOKUP_RATING_LIMIT"])


@limiter.limit(_rating_limit)
def rate(key: str) -> Response | tuple[str, int]:
    dossier = find_by_lookup_key(db.session, key, cipher(current_app))
    if dossier is None:
        misses.count_miss(client_ip())
        raise _not_found()
    form = RatingForm()
    if not form.validate_on_submit():
        page = _load(key)
        if page.view.can_rate and not page.rated:  # else rate_dossier() says why not
            return _invalid(key, page, form)
    try:
        rate_dossier(db.session, dossier, score=form.score.data or "",
                     comment=form.comment.data or "", now=datetime.now(UTC), ip=client_ip())
    except AppError as exc:
        db.session.rollback()
        if wants_json():
            raise
        flash(exc.message, "error")
    else:
        db.session.commit()
        if wants_json():
            return make_response(jsonify(status="ok"), 201)
        flash(_("Cảm ơn ông/bà đã đánh giá. Ý kiến sẽ được gửi tới lãnh đạo cơ quan."),
              "success")
    return redirect(url_for("lookup.status", key=key), code=303)
