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
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app import cipher, keyring
from app.desk.operations import find_by_lookup_key
from app.errors import AppError, NotFound, wants_json
from app.extensions import db, limiter
from app.lookup import misses
from app.lookup.forms import RatingForm
from app.lookup.operations import LookupPage, RatingError, load_page, rate_dossier
from app.lookup.present import page_data
from app.web import client_ip

JWKS_MAX_AGE = 300


def jwks() -> Response:
    """Every receipt public key ever made (old receipts keep verifying after a rotation)."""
    response = jsonify(keyring(current_app).jwks())
    response.headers["Cache-Control"] = f"public, max-age={JWKS_MAX_AGE}"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _not_found() -> NotFound:
    return NotFound(_("Không tìm thấy hồ sơ. Vui lòng quét lại mã QR trên giấy hẹn hoặc "
                      "liên hệ Bộ phận một cửa."), code="dossier_not_found")


def _load(key: str) -> LookupPage:
    return load_page(db.session, key, datetime.now(UTC), current_app.config["PUBLIC_BASE_URL"],
                     cipher(current_app))


def _render(key: str, data: dict[str, Any], form: RatingForm | None) -> str:
    return render_template("lookup/status.html", d=data, form=form, key=key)


def _body(key: str, page: LookupPage, as_json: bool) -> tuple[str, str]:
    """The response body and its type, built identically for a hit and a miss (the decoy)."""
    data = page_data(page)
    if as_json:
        return current_app.json.dumps(data), "application/json"
    form = RatingForm() if data["rating"]["open"] else None
    return _render(key, data, form), "text/html"


def status(key: str) -> Response:
    """The citizen's page (or JSON with ``Accept: application/json``)."""
    page = _load(key)
    body, mimetype = _body(key, page, wants_json())
    if page.found:
        misses.touch(client_ip())
    else:
        misses.count_miss(client_ip())  # raises 429 once over the limit
    db.session.commit()  # get_agency() may have created the agency row on first use
    if not page.found:
        raise _not_found()
    response = make_response(body)
    response.mimetype = mimetype
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("Accept")
    return response


def _invalid(key: str, page: LookupPage, form: RatingForm) -> tuple[str, int]:
    """The form again with its errors (422); JSON clients get the first error as a problem."""
    if wants_json():
        field, errors = next(iter(form.errors.items()))
        raise RatingError(str(errors[0]), code="rating_invalid", status=422, field=field)
    data = page_data(page)
    db.session.commit()
    return _render(key, data, form), 422


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
