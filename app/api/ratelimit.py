"""Per-client rate limits for the API, kept in Flask-Limiter's storage (memory or Redis).

Each client has its own limit (``ApiClient.rate_limit``), so the check runs after the token is
known rather than as a route decorator keyed on the caller's address.
"""

from __future__ import annotations

import math
import time
from functools import lru_cache

from limits import RateLimitItem
from limits import parse as parse_limit

from app.api.problems import RateLimited
from app.extensions import limiter
from app.models.api_client import ApiClient


@lru_cache(maxsize=256)
def _item(text: str) -> RateLimitItem:
    return parse_limit(text)


def enforce(client: ApiClient) -> None:
    """Count one call for ``client``; raises RateLimited (with Retry-After) past its limit."""
    if not limiter.enabled:
        return
    item = _item(client.rate_limit)
    strategy = limiter.limiter
    if strategy.hit(item, "api-client", client.client_id):
        return
    stats = strategy.get_window_stats(item, "api-client", client.client_id)
    retry_after = max(1, math.ceil(stats.reset_time - time.time()))
    raise RateLimited(f"limit {client.rate_limit} reached",
                      headers={"Retry-After": str(retry_after)})
