"""Rendered look-up answers kept per dossier state, in each worker's memory.

A citizen's page changes only when its dossier does (a status step, an apology letter, a
reissued receipt, a rating), when the agency edits its address, or when the due time passes;
:class:`app.lookup.operations.PageState` holds all of that and is read by one statement on
every request. The answer for a state is rendered once and reused while the state stays the
same: never stale, because the state is read fresh each time; never shared between workers or
hosts (nothing to invalidate). The key is the state itself (a tuple compared in full, so two
states never share a page); it holds only what the page shows, the applicant as initials.

The decoy page of unknown keys is a state like any other, so a miss is answered from here as a
known key is: both cost one statement and one dictionary look-up once warm.

Only answers without per-session parts are kept (no staff header, no flashed message, no
rating form with its CSRF token): the view decides (app/lookup/blueprint.py).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable


class PageCache:
    """A bounded LRU map from a state (any hashable value) to a rendered body; thread-safe."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> str | None:
        with self._lock:
            body = self._entries.get(key)
            if body is not None:
                self._entries.move_to_end(key)
            return body

    def put(self, key: Hashable, body: str) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._entries[key] = body
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
