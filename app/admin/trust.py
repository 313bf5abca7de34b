"""The agency's trust store for signature checks: the packaged Vietnamese pack, minus anchors an
admin turned off, plus anchors, intermediates and CRLs an admin uploaded.

esign is imported lazily: it pulls in pyHanko, which the rest of the app must not pay for at start.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.operations import record
from app.errors import AppError, NotFound
from app.models.trust import DisabledDefaultAnchor, TrustItem

if TYPE_CHECKING:
    from esign.trust import TrustStore

KINDS = ("anchor", "intermediate", "crl")


@dataclass(frozen=True)
class PackEntry:
    sha256: str
    subject: str
    role: str
    not_after: datetime
    enabled: bool


def _describe(obj: object) -> tuple[str, datetime | None]:
    from asn1crypto import crl, x509

    if isinstance(obj, x509.Certificate):
        return obj.subject.human_friendly, obj.not_valid_after.astimezone(UTC)
    assert isinstance(obj, crl.CertificateList)
    next_update = obj["tbs_cert_list"]["next_update"].native
    return f"CRL: {obj.issuer.human_friendly}", next_update


def add_items(session: Session, data: bytes, kind: str, *, actor: str, ip: str = "",
              filename: str = "") -> list[TrustItem]:
    """Store every certificate (or CRL) found in a PEM/DER upload; raises AppError on garbage."""
    from asn1crypto import crl

    from esign.errors import TrustStoreError
    from esign.trust import load_objects

    if kind not in KINDS:
        raise AppError(_l("Loại không hợp lệ."), code="bad_kind", field="kind")
    try:
        objects = load_objects(data, filename or "upload")
    except TrustStoreError as exc:
        raise AppError(_l("Tệp không phải chứng thư số hoặc CRL (PEM/DER)."),
                       code="bad_certificate", field="file") from exc
    if not objects:
        raise AppError(_l("Không tìm thấy chứng thư số trong tệp."), code="empty", field="file")
    added = []
    for obj in objects:
        is_crl = isinstance(obj, crl.CertificateList)
        if is_crl != (kind == "crl"):
            raise AppError(_l("Tệp CRL chỉ thêm vào mục CRL, chứng thư số vào mục còn lại."),
                           code="kind_mismatch", field="kind")
        digest = hashlib.sha256(obj.dump()).hexdigest()  # = esign.trust.fingerprint for certs
        if session.scalar(select(TrustItem).where(TrustItem.sha256 == digest)) is not None:
            continue
        subject, not_after = _describe(obj)
        item = TrustItem(kind=kind, der=obj.dump(), sha256=digest, subject=subject[:1000],
                         not_after=not_after, added_by=actor)
        session.add(item)
        added.append(item)
        record(session, actor=actor, action="trust.add", target=f"{kind}:{digest[:16]}",
               details={"subject": subject[:200]}, ip=ip)
    session.flush()
    return added


def remove_item(session: Session, item_id: int, *, actor: str, ip: str = "") -> None:
    item = session.get(TrustItem, item_id)
    if item is None:
        raise NotFound()
    record(session, actor=actor, action="trust.remove", target=f"{item.kind}:{item.sha256[:16]}",
           details={"subject": item.subject[:200]}, ip=ip)
    session.delete(item)
    session.flush()


def set_default_enabled(session: Session, sha256: str, enabled: bool, *, actor: str,
                        ip: str = "") -> None:
    from esign.trust import VN_TRUST_PACK

    if sha256 not in {p.sha256 for p in VN_TRUST_PACK}:
        raise NotFound()
    existing = session.get(DisabledDefaultAnchor, sha256)
    if enabled and existing is not None:
        session.delete(existing)
    elif not enabled and existing is None:
        session.add(DisabledDefaultAnchor(sha256=sha256, disabled_by=actor))
    record(session, actor=actor, action="trust.default.enable" if enabled else
           "trust.default.disable", target=sha256[:16], ip=ip)
    session.flush()


def pack_entries(session: Session) -> list[PackEntry]:
    from esign.trust import VN_TRUST_PACK, TrustStore, fingerprint

    disabled = set(session.scalars(select(DisabledDefaultAnchor.sha256)))
    default = TrustStore.default()
    by_sha = {fingerprint(c): c for c in (*default.anchors, *default.intermediates)}
    entries = []
    for packed in VN_TRUST_PACK:
        cert = by_sha[packed.sha256]
        entries.append(PackEntry(packed.sha256, cert.subject.human_friendly, packed.role,
                                 cert.not_valid_after.astimezone(UTC),
                                 packed.sha256 not in disabled))
    return entries


def uploaded_items(session: Session) -> list[TrustItem]:
    return list(session.scalars(select(TrustItem).order_by(TrustItem.kind, TrustItem.added_at)))


def trust_store(session: Session) -> TrustStore:
    """What a verification at this agency relies on (used by the verify feature and the API)."""
    from asn1crypto import crl, x509

    from esign.trust import TrustStore

    store = TrustStore.default()
    disabled = list(session.scalars(select(DisabledDefaultAnchor.sha256)))
    if disabled:
        store = store.without(*disabled)
    items = uploaded_items(session)
    anchors = [x509.Certificate.load(i.der) for i in items if i.kind == "anchor"]
    intermediates = [x509.Certificate.load(i.der) for i in items if i.kind == "intermediate"]
    crls = [crl.CertificateList.load(i.der) for i in items if i.kind == "crl"]
    if anchors:
        store = store.with_anchors(*anchors)
    if intermediates:
        store = store.with_intermediates(*intermediates)
    if crls:
        store = store.with_crls(*crls)
    return store

