"""Path validation for PDF signers and TSAs, memoised so repeated signers cost one validation.

Validation is a pure function of (certificates, trust store, moment, policy, usages) when
revocation is offline, so results are memoised in a small bounded LRU keyed on exactly those
inputs (certificates by DER digest).  Online revocation is never memoised: its answer depends on
the network at the time of the call.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Sequence
from datetime import datetime
from threading import Lock

from asn1crypto import x509

from esign.chain import ChainResult, validate_chain
from esign.policy import ValidationPolicy
from esign.trust import TrustStore

__all__ = ["PathCache", "clear_path_cache", "validate_path"]

_MAX_ENTRIES = 256
_Key = tuple[
    bytes, tuple[bytes, ...], int, datetime, ValidationPolicy, frozenset[str], frozenset[str]
]


class PathCache:
    """Bounded, thread-safe LRU of chain results (a memo of a pure function, not shared state)."""

    def __init__(self, size: int = _MAX_ENTRIES) -> None:
        self._size = size
        self._items: OrderedDict[_Key, tuple[TrustStore, ChainResult]] = OrderedDict()
        self._lock = Lock()

    def get(self, key: _Key, trust: TrustStore) -> ChainResult | None:
        with self._lock:
            hit = self._items.get(key)
            if hit is None or hit[0] is not trust:
                return None
            self._items.move_to_end(key)
            return hit[1]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def put(self, key: _Key, trust: TrustStore, result: ChainResult) -> None:
        with self._lock:
            self._items[key] = (trust, result)
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


_CACHE = PathCache()


def clear_path_cache() -> None:
    """Forget memoised results (after a trust store edit in place, or to measure cold runs)."""
    _CACHE.clear()


def _digest(cert: x509.Certificate) -> bytes:
    return hashlib.sha256(cert.dump()).digest()


def validate_path(
    leaf: x509.Certificate,
    extra: Sequence[x509.Certificate],
    *,
    trust: TrustStore,
    moment: datetime,
    policy: ValidationPolicy,
    key_usage: frozenset[str] = frozenset(),
    extended_key_usage: frozenset[str] = frozenset(),
) -> ChainResult:
    """``esign.chain.validate_chain`` with memoisation for offline revocation."""
    if policy.online:
        return validate_chain(
            leaf,
            extra_certs=extra,
            trust=trust,
            moment=moment,
            policy=policy,
            key_usage=key_usage,
            extended_key_usage=extended_key_usage,
        )
    key: _Key = (
        _digest(leaf),
        tuple(sorted(_digest(c) for c in extra)),
        id(trust),
        moment,
        policy,
        key_usage,
        extended_key_usage,
    )
    cached = _CACHE.get(key, trust)
    if cached is not None:
        return cached
    result = validate_chain(
        leaf,
        extra_certs=extra,
        trust=trust,
        moment=moment,
        policy=policy,
        key_usage=key_usage,
        extended_key_usage=extended_key_usage,
    )
    _CACHE.put(key, trust, result)
    return result
