"""Admin screens: list, register and revoke API clients (staff session, admin role, CSRF).

URL rules: ``blueprint.py``.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app.api import clients
from app.api.forms import ApiClientForm, RevokeForm
from app.audit.operations import record
from app.extensions import db
from app.models.staff import Role
from app.security import requires
from app.web import actor, client_ip


def _list_page(form: ApiClientForm, status: int = 200) -> tuple[str, int]:
    return render_template("api/clients.html", clients=clients.list_clients(db.session),
                           form=form, revoke_form=RevokeForm()), status


@requires(Role.ADMIN)
def index() -> tuple[str, int]:
    form = ApiClientForm(rate_limit=current_app.config["API_DEFAULT_RATE_LIMIT"])
    return _list_page(form)


@requires(Role.ADMIN)
def add() -> tuple[str, int, dict[str, str]] | tuple[str, int]:
    form = ApiClientForm()
    if not form.validate_on_submit():
        return _list_page(form, 400)
    new = clients.create_client(db.session, name=form.name.data or "",
                                scopes=list(form.scopes.data or []), created_by=actor(),
                                rate_limit=form.rate_limit.data or "")
    record(db.session, actor=actor(), action="api_client.create",
           target=f"client:{new.client.client_id}",
           details={"name": new.client.name, "scopes": new.client.scopes}, ip=client_ip())
    db.session.commit()
    # Shown once, never stored in clear: the page must not be cached.
    page = render_template("api/client_created.html", client=new.client,
                           client_secret=new.client_secret)
    return page, 201, {"Cache-Control": "no-store"}


@requires(Role.ADMIN)
def revoke(client_id: str) -> Response:
    if not RevokeForm().validate_on_submit():
        abort(400)
    client = clients.client_by_id(db.session, client_id)
    if client is None:
        abort(404)
    clients.revoke_client(db.session, client, datetime.now(UTC))
    record(db.session, actor=actor(), action="api_client.revoke", target=f"client:{client_id}",
           ip=client_ip())
    db.session.commit()
    flash(_("Đã thu hồi quyền truy cập của %(name)s.", name=client.name), "success")
    return redirect(url_for("api_admin.index"))
