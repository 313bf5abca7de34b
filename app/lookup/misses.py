"""Rate limit for unknown look-up keys only: a citizen re-opening a real receipt is never counted.

Flask-Limiter's decorator decides before the view runs, when we cannot yet know whether the key
exists; so the view asks here afterwards. Both paths touch the limiter storage once per limit
(``hit`` for a miss, ``test`` for a hit) so that they also cost the same.
"""

from __future__ import annotations

import math
import time
from functools import lru_cache

from flask import current_app
from limits import RateLimitItem, parse_many
from werkzeug.exceptions import TooManyRequests

from app.extensions import limiter

_SCOPE = "motcua-lookup-miss"


@lru_cache(maxsize=8)
def _items(spec: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(spec))


def _active() -> bool:
    return bool(limiter.enabled and limiter.initialized)


def count_miss(client: str) -> None:
    """Count one unknown key for ``client``; raise 429 (with Retry-After) once over the limit."""
    if not _active():
        return
    strategy = limiter.limiter
    for item in _items(current_app.config["LOOKUP_MISS_LIMIT"]):
        if not strategy.hit(item, _SCOPE, client):
            reset = strategy.get_window_stats(item, _SCOPE, client).reset_time
            raise TooManyRequests(retry_after=max(1, math.ceil(reset - time.time())))


def touch(client: str) -> None:
    """What a found key does instead: read the counters, change nothing, block nothing."""
    if not _active():
        return
    strategy = limiter.limiter
    for item in _items(current_app.config["LOOKUP_MISS_LIMIT"]):
        strategy.test(item, _SCOPE, client)
