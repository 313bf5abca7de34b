"""Per-call cost of isolation: a fresh fork and a warm pool worker ÷ in-process verify (small XML).

Also reports the XML verifier against its floor (C14N + SHA-256 of the signed element alone).
"""

from __future__ import annotations

import hashlib
import statistics
import time
from typing import Any


def _median(fn: Any, rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def run(rounds: int = 15) -> dict[str, Any]:
    from lxml import etree

    from esign.verify import verify
    from esign.worker import WorkerPool, verify_in_worker
    from tests.esign.pki import get_pki
    from tests.esign.xml_signing import identity, signed_invoice

    pki = get_pki()
    who = identity(pki, pki.signer)
    data = signed_invoice(who, who)
    trust = pki.trust()
    kwargs: dict[str, Any] = {"trust": trust, "moment": pki.moment}
    verify_in_worker(data, **kwargs)  # start the forkserver once
    verify(data, **kwargs)
    in_process = _median(lambda: verify(data, **kwargs), rounds)
    worker = _median(lambda: verify_in_worker(data, **kwargs), rounds)
    with WorkerPool(size=1) as pool:
        verify_in_worker(data, pool=pool, **kwargs)  # warm the worker
        pooled = _median(lambda: verify_in_worker(data, pool=pool, **kwargs), rounds)

    def floor() -> None:
        root = etree.fromstring(data)
        for el in root.iter("DLHDon"):
            hashlib.sha256(etree.tostring(el, method="c14n")).digest()

    baseline = _median(floor, rounds)
    return {
        "in_process_ms": round(in_process * 1000, 2),
        "worker_ms": round(worker * 1000, 2),
        "worker_overhead_ms": round((worker - in_process) * 1000, 2),
        "worker_over_in_process": round(worker / in_process, 2),
        "pool_ms": round(pooled * 1000, 2),
        "pool_overhead_ms": round((pooled - in_process) * 1000, 2),
        "pool_over_in_process": round(pooled / in_process, 2),
        "xml_floor_ms": round(baseline * 1000, 3),
        "xml_verify_over_floor": round(in_process / baseline, 1),
    }
