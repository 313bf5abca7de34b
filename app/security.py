"""Who is signed in, who may do what, and the headers every response carries.

Access is default-deny: every endpoint needs a signed-in officer unless its view is marked
:func:`public` (or its blueprint :func:`public_blueprint`, e.g. the API, which checks bearer
tokens itself). :func:`requires` raises the bar to supervisor or admin.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    g,
    redirect,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from werkzeug.datastructures import Headers
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Request

from app.extensions import db
from app.models.roles import Role
from app.routing import view_of

if TYPE_CHECKING:
    from app.models.staff import Staff

F = TypeVar("F", bound=Callable[..., Any])
_PUBLIC_ATTR = "_motcua_public"
_ROLE_ATTR = "_motcua_role"
_public_blueprints: set[str] = set()
SESSION_STAFF = "staff_id"
SESSION_VERSION = "sv"


def public(view: F) -> F:
    """Mark a view as reachable without a staff session."""
    setattr(view, _PUBLIC_ATTR, True)
    return view


def public_blueprint(bp: Blueprint) -> Blueprint:
    """Every view of ``bp`` handles its own authentication (public pages, bearer-token API)."""
    _public_blueprints.add(bp.name)
    return bp


def requires(role: Role) -> Callable[[F], F]:
    """Require at least ``role`` (officer < supervisor < admin) for this view."""

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            staff = current_staff()
            if staff is None:
                return _to_login()
            if not staff.has_role(role):
                abort(403)
            return view(*args, **kwargs)

        setattr(guarded, _ROLE_ATTR, role)
        return guarded  # type: ignore[return-value]

    return decorate


def current_staff() -> Staff | None:
    """The signed-in, active staff member of this request, or None."""
    if "_motcua_staff" not in g:
        g._motcua_staff = _load_staff()
    staff: Staff | None = g._motcua_staff
    return staff


def _load_staff() -> Staff | None:
    staff_id = session.get(SESSION_STAFF)
    if not isinstance(staff_id, int):
        return None
    from app.models.staff import Staff  # not before: anonymous requests need no ORM

    staff = db.session.get(Staff, staff_id)
    if staff is None or not staff.active or session.get(SESSION_VERSION) != staff.session_version:
        session.clear()
        return None
    return staff


def sign_in(staff: Staff) -> None:
    """A fresh session (no fixation), keeping only the chosen language."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    session.permanent = True
    session[SESSION_STAFF] = staff.id
    session[SESSION_VERSION] = staff.session_version
    g._motcua_staff = staff


def sign_out() -> None:
    session.clear()
    g._motcua_staff = None


def is_public_endpoint(app: Flask, endpoint: str | None) -> bool:
    if endpoint is None or endpoint == "static":
        return True
    if endpoint.split(".", 1)[0] in _public_blueprints and "." in endpoint:
        return True
    view = view_of(app, endpoint)
    return bool(view is not None and getattr(view, _PUBLIC_ATTR, False))


def required_role(app: Flask, endpoint: str) -> Role | None:
    """The role an endpoint needs (None for public ones); used by tests that walk the URL map."""
    if is_public_endpoint(app, endpoint):
        return None
    view = view_of(app, endpoint)
    return getattr(view, _ROLE_ATTR, Role.OFFICER)


def _to_login() -> Any:
    if request.path.startswith("/api/"):
        abort(401)
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _enforce_login() -> Response | None:
    if is_public_endpoint(current_app, request.endpoint):
        return None
    if current_staff() is None:
        return _to_login()
    return None


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def content_security_policy(form_targets: str = "") -> str:
    """No inline script or style anywhere (every page loads its scripts from /static), so the
    policy is the same for every response: built once per app, not per request."""
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        f"form-action 'self'{(' ' + form_targets) if form_targets else ''}",
    ])


class _SecurityHeaders(NamedTuple):
    """The headers every response carries, built once per app."""

    pairs: tuple[tuple[str, str], ...]
    """Checked once (`checked_headers`), appended as they are."""
    names: frozenset[str]
    """Their names in lower case: a response that set one already gets it replaced."""


def _security_headers(app: Flask) -> _SecurityHeaders:
    # The OIDC provider's origin may receive the sign-in form (form-action).
    issuer = _origin(app.config.get("OIDC_ISSUER") or "")
    pairs = checked_headers([
        ("Content-Security-Policy", content_security_policy(issuer)),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("X-Frame-Options", "DENY"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ])
    return _SecurityHeaders(pairs, frozenset(name.lower() for name, _ in pairs))


def checked_headers(pairs: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """Constant header pairs, checked once as Werkzeug checks each header it is given (no
    newline, encodable), for `append_headers`."""
    return tuple(Headers(list(pairs)).items())


def append_headers(headers: Headers, pairs: tuple[tuple[str, str], ...]) -> None:
    """Append `checked_headers` pairs without Werkzeug checking and copying each again on
    every response (a tenth of the public look-up's time in Flask, issue #3). Werkzeug keeps
    a Headers' pairs in its ``_list``; were that to change, they are added the ordinary way
    (tests/foundation/test_security.py says so)."""
    store = getattr(headers, "_list", None)
    if type(headers) is Headers and isinstance(store, list):
        store.extend(pairs)
    else:
        headers.extend(pairs)


def _set_headers(response: Response) -> Response:
    headers = response.headers
    security: _SecurityHeaders = current_app.extensions["motcua.security_headers"]
    if any(name.lower() in security.names for name in headers.keys()):  # noqa: SIM118
        for name, value in security.pairs:  # a view set one of them: replace it
            headers[name] = value
    else:  # the usual case
        append_headers(headers, security.pairs)
    if request.is_secure:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if g.get("_motcua_staff") is not None:  # staff was loaded for this page: never cached
        headers.setdefault("Cache-Control", "no-store")
    return response


class _CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, without building the signing serializer for a request
    that carries no session cookie (every citizen's first look-up, every API call)."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and ("HTTP_COOKIE" not in request.environ
                               or request.cookies.get(self.get_cookie_name(app)) is None):
            return self.session_class()
        return super().open_session(app, request)


def register_security(app: Flask) -> None:
    hops = app.config["PROXY_FIX"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops,  # type: ignore[method-assign]
                                x_port=hops, x_prefix=hops)
    https = app.config["PUBLIC_BASE_URL"].startswith("https://")
    app.config.update(
        SESSION_COOKIE_NAME="motcua_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=https,
    )
    app.session_interface = _CookieSessions()
    app.extensions["motcua.security_headers"] = _security_headers(app)
    app.before_request(_enforce_login)
    app.after_request(_set_headers)
    app.jinja_env.globals.update(current_staff=current_staff, Role=Role)
