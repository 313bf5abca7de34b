"""URL rules whose view functions are imported on their first request.

Flask's "Lazily Loading Views" pattern: each ``app/<feature>/blueprint.py`` holds only the URL
rules and names its handlers by import string (``app/<feature>/views.py``), so that starting the
app imports no operations, models or forms. A feature's views, and what they import, are loaded
by the first request that reaches one of them.

Several request hooks read the view function itself: the access guard its ``@public`` and
``@requires`` marks (:mod:`app.security`), Flask-WTF and Flask-Limiter its module and name, the
limiter its ``@limiter.limit`` registration (made when the views module is imported). So
:func:`register_views` installs the *first* before-request hook, which puts the real function
in place of the :class:`LazyView` before any of those run; code outside a request (tests that
walk the URL map) asks :func:`view_of`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property, partial
from typing import Any

from flask import Flask, current_app, request
from werkzeug.utils import import_string


class LazyView:
    """Stands in for the view ``import_name`` (``package.module.function``) until it is needed.

    It carries the real function's ``__module__`` and ``__name__``, so that anything that names
    a view by them (Flask-WTF's CSRF exemptions, Flask-Limiter) sees the same name either way.
    """

    def __init__(self, import_name: str) -> None:
        self.__module__, self.__name__ = import_name.rsplit(".", 1)
        self.import_name = import_name

    @cached_property
    def view(self) -> Callable[..., Any]:
        found: Callable[..., Any] = import_string(self.import_name)
        return found

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.view(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<LazyView {self.import_name}>"


def lazy_views(module: str) -> Callable[[str], LazyView]:
    """``view = lazy_views("app.desk.views")``; then ``view("index")`` names one handler."""
    return partial(_lazy_view, module)


def _lazy_view(module: str, name: str) -> LazyView:
    return LazyView(f"{module}.{name}")


def view_of(app: Flask, endpoint: str) -> Callable[..., Any] | None:
    """The real view function of ``endpoint`` (imported now if it was still lazy)."""
    view = app.view_functions.get(endpoint)
    if isinstance(view, LazyView):
        view = app.view_functions[endpoint] = view.view
    return view


def load_views(app: Flask) -> None:
    """Import every view now (e.g. to check that they all import)."""
    for endpoint in list(app.view_functions):
        view_of(app, endpoint)


def _resolve_view() -> None:
    if request.endpoint is not None:
        view_of(current_app, request.endpoint)


def register_views(app: Flask) -> None:
    """Call before anything else adds a before-request hook (see the module docstring)."""
    if app.before_request_funcs.get(None):
        raise RuntimeError("register_views() must add the first before_request hook")
    app.before_request(_resolve_view)
