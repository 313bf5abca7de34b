"""Flask extensions, created unbound here and bound in :func:`app.create_app`."""

from __future__ import annotations

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

from app.db import Database

db = Database()
csrf = CSRFProtect()
babel = Babel()
# Limits are declared per route; storage comes from RATELIMIT_STORAGE_URI (memory:// or redis://).
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)
