"""URL rules that cost little at start-up: views imported, URL builders compiled, on first use.

Flask's "Lazily Loading Views" pattern: each ``app/<feature>/blueprint.py`` holds only the URL
rules and names its handlers by import string (``app/<feature>/views.py``), so that starting the
app imports no operations, models or forms. A feature's views, and what they import, are loaded
by the first request that reaches one of them.

Several request hooks read the view function itself: the access guard its ``@public`` and
``@requires`` marks (:mod:`app.security`), Flask-WTF and Flask-Limiter its module and name, the
limiter its ``@limiter.limit`` registration (made when the views module is imported). So
:func:`register_routing` installs the *first* before-request hook, which puts the real function
in place of the :class:`LazyView` before any of those run; code outside a request (tests that
walk the URL map) asks :func:`view_of`.

Werkzeug also compiles two Python functions per rule (the URL builders behind ``url_for``)
when the rule is added: about half of ``create_app``. :class:`LazyBuilderRule` compiles each
on its first use instead.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cached_property, partial
from typing import Any

from flask import Flask, current_app, has_request_context, request
from werkzeug.routing import Rule

_SYNC_CACHE_MAX = 1024
_URL_CACHE_MAX = 1024


class App(Flask):
    """Flask, with each function's sync wrapper worked out once, and fixed URLs kept.

    Flask passes every before-request, after-request and teardown hook, and the view, through
    `ensure_sync` on every request, and each call asks `inspect` whether the function is a
    coroutine function: eight such questions per public look-up, a tenth of its cost in Flask
    (issue #3). The answer never changes for a registered function, so it is kept (at most
    `_SYNC_CACHE_MAX` functions; beyond that, asked again as Flask does).
    """

    def url_for(self, endpoint: str, /, *, _anchor: str | None = None,
                _method: str | None = None, _scheme: str | None = None,
                _external: bool | None = None, **values: Any) -> str:
        """Flask's, with the URLs that cannot change kept: in a request, relative, of an
        endpoint named in full with no values (``home.index``) or only a static file. They
        depend on nothing but the mount point (the request's script root); a page has several
        (styles, scripts, home) and Werkzeug builds each in about 20 µs."""
        if (_anchor is None and _method is None and _scheme is None and _external is None
                and endpoint[:1] != "." and has_request_context()
                and (not values or (endpoint == "static" and values.keys() == {"filename"}))):
            cache: dict[tuple[str, str, Any], str] = self.__dict__.setdefault("_motcua_urls", {})
            key = (request.script_root, endpoint, values.get("filename"))
            found = cache.get(key)
            if found is None:
                found = super().url_for(endpoint, **values)
                if len(cache) < _URL_CACHE_MAX:
                    cache[key] = found
            return found
        return super().url_for(endpoint, _anchor=_anchor, _method=_method, _scheme=_scheme,
                               _external=_external, **values)

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        cache: dict[Callable[..., Any], Callable[..., Any]] = self.__dict__.setdefault(
            "_motcua_sync", {})
        found = cache.get(func)
        if found is None:
            found = super().ensure_sync(func)
            if len(cache) < _SYNC_CACHE_MAX:
                cache[func] = found
        return found


class LazyView:
    """Stands in for the view function ``name`` of ``module`` until it is needed.

    It carries the real (module-level) function's ``__module__``, ``__name__`` and
    ``__qualname__``, so that anything that names a view by them (Flask-WTF's CSRF exemptions,
    Flask-Limiter) sees the same name either way.
    """

    def __init__(self, module: str, name: str) -> None:
        self.__module__ = module
        self.__name__ = self.__qualname__ = name

    @cached_property
    def view(self) -> Callable[..., Any]:
        found: Callable[..., Any] = getattr(importlib.import_module(self.__module__),
                                            self.__name__)
        return found

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.view(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<LazyView {self.__module__}.{self.__name__}>"


def lazy_views(module: str) -> Callable[[str], LazyView]:
    """``view = lazy_views("app.desk.views")``; then ``view("index")`` names one handler."""
    return partial(LazyView, module)


def view_of(app: Flask, endpoint: str) -> Callable[..., Any] | None:
    """The real view function of ``endpoint`` (imported now if it was still lazy)."""
    view = app.view_functions.get(endpoint)
    if isinstance(view, LazyView):
        view = app.view_functions[endpoint] = view.view
    return view


def load_views(app: Flask) -> None:
    """Import every view now (``motcua serve`` workers do, before their first request)."""
    for endpoint in list(app.view_functions):
        view_of(app, endpoint)


def _resolve_view() -> None:
    if request.endpoint is not None:
        view_of(current_app, request.endpoint)


class LazyBuilderRule(Rule):
    """A rule whose URL builders are compiled by the first ``url_for`` that needs them.

    Werkzeug's ``Rule.compile()`` stores ``self._compile_builder(...)`` bound to the rule as
    ``_build`` and ``_build_unknown``; here that returns a stand-in which compiles the real
    builder (Werkzeug's own code), puts it in its place and calls it. Matching is unchanged.
    """

    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        def build_on_first_use(rule: Rule, **values: Any) -> tuple[str, str]:
            builder = Rule._compile_builder(rule, append_unknown).__get__(rule, None)
            setattr(rule, "_build_unknown" if append_unknown else "_build", builder)
            result: tuple[str, str] = builder(**values)
            return result

        return build_on_first_use


def register_routing(app: Flask) -> None:
    """Call before the features are registered and before any other before-request hook."""
    if app.before_request_funcs.get(None):
        raise RuntimeError("register_routing() must add the first before_request hook")
    app.url_rule_class = LazyBuilderRule
    app.before_request(_resolve_view)
