"""`motcua procedure ...`, `motcua dossier receive`, `motcua receipt verify`.

`motcua keys rotate` lives in app/cli.py (the key ring is shared with the look-up page).
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click
from flask import current_app
from flask.cli import with_appcontext

from app.desk.timeliness import ZONE


def _now() -> datetime:
    return datetime.now(UTC)


@click.group("procedure")
def procedure_group() -> None:
    """Danh mục thủ tục (procedure catalogue)."""


@procedure_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@with_appcontext
def procedure_list(as_json: bool) -> None:
    """List the procedures in force today."""
    from app.desk.operations import list_procedures
    from app.extensions import db

    rows = list_procedures(db.session, _now().astimezone(ZONE).date())
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "code": r.code,
                        "name": r.name_vi,
                        "name_en": r.name_en,
                        "national_code": r.national_code,
                        "groups": list(r.groups),
                        "processing_days": r.processing_days,
                        "processing_hours": r.processing_hours,
                        "fee_vnd": r.fee_vnd,
                        "effective_from": r.effective_from.isoformat(),
                    }
                    for r in rows
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    for r in rows:
        period = f"{r.processing_hours} giờ" if r.processing_hours else f"{r.processing_days} ngày"
        click.echo(f"{r.code:<16} {period:<9} {r.name_vi}")


@procedure_group.command("seed")
@with_appcontext
def procedure_seed() -> None:
    """Add the packaged seed procedures that are missing (never changes existing ones)."""
    from app.desk.operations import seed_catalogue
    from app.extensions import db

    added = seed_catalogue(db.session, actor="cli")
    db.session.commit()
    click.echo(f"ok: {added} procedure(s) added")


@click.group("dossier")
def dossier_group() -> None:
    """Hồ sơ (dossiers)."""


@dossier_group.command("receive")
@click.option("--procedure", "procedure_code", required=True, help="Procedure code.")
@click.option("--applicant-name", required=True)
@click.option("--phone", default="")
@click.option("--email", default="")
@click.option("--address", default="")
@click.option("--sets", default=1, type=int)
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@with_appcontext
def dossier_receive(
    procedure_code: str,
    applicant_name: str,
    phone: str,
    email: str,
    address: str,
    sets: int,
    as_json: bool,
) -> None:
    """Receive a dossier (scripts, bulk import) and print its code and QR URL."""
    from app import cipher, keyring
    from app.admin.agency import get_agency, public_base_url
    from app.desk import operations as ops
    from app.desk.intake_tx import commit_intake
    from app.desk.settings import calendar_config
    from app.errors import AppError
    from app.extensions import db

    session = db.session
    base_url = public_base_url(session, current_app.config["PUBLIC_BASE_URL"])
    ctx = ops.DeskContext(
        get_agency(session).code,
        base_url,
        calendar_config(current_app.config),
    )
    data = ops.IntakeData(
        procedure_code=procedure_code,
        applicant_name=applicant_name,
        applicant_phone=phone,
        applicant_email=email,
        applicant_address=address,
        sets=sets,
    )
    key = keyring(current_app).active()
    try:
        result = commit_intake(
            session,
            lambda: ops.receive_dossier(
                session, ctx, data, key=key, cipher=cipher(current_app), actor="cli", now=_now()
            ),
        )
    except AppError as exc:
        session.rollback()
        click.echo(json.dumps({"error": exc.code, "field": exc.field}), err=True)
        sys.exit(2)
    dossier = result.dossier
    payload = {
        "code": dossier.code,
        "lookup_url": ops.lookup_url(dossier, base_url),
        "receipt_pdf_url": f"{base_url}/desk/d/{dossier.code}/receipt.pdf",
        "due_at": dossier.due_at.astimezone(ZONE).isoformat(),
        "received_at": dossier.received_at.astimezone(ZONE).isoformat(),
        "procedure": dossier.procedure_code,
    }
    if as_json:
        click.echo(json.dumps(payload, ensure_ascii=False))
    else:
        click.echo(f"{payload['code']}  hẹn trả {payload['due_at']}\n{payload['lookup_url']}")


@click.group("receipt")
def receipt_group() -> None:
    """Giấy tiếp nhận (receipts)."""


def _token_from(url_or_token: str) -> str:
    text = url_or_token.strip()
    if "#" in text:
        return text.split("#", 1)[1]
    return text


def _load_jwks(source: str) -> dict[str, Any]:
    if source.startswith(("http://", "https://")):
        import requests

        response = requests.get(source, timeout=10)
        response.raise_for_status()
        data: dict[str, Any] = response.json()
        return data
    loaded: dict[str, Any] = json.loads(Path(source).read_text(encoding="utf-8"))
    return loaded


def _issuer_from_url(text: str) -> str:
    """`https://host/prefix/r/<key>#token` -> `https://host/prefix` (the QR's base URL)."""
    base = text.strip().split("#", 1)[0]
    parts = urlsplit(base)
    if not (parts.scheme and parts.netloc and "/r/" in parts.path):
        return ""
    return base.rsplit("/r/", 1)[0]


@receipt_group.command("verify")
@click.argument("url_or_token")
@click.option("--jwks", "jwks_source", default="", help="JWKS file or URL (default: local keys).")
@click.option("--issuer", default="", help="Expected issuer (default: public base URL).")
@with_appcontext
def receipt_verify(url_or_token: str, jwks_source: str, issuer: str) -> None:
    """Check a receipt token offline. Exit 0 when authentic, 1 when not."""
    from app import keyring
    from app.admin.agency import public_base_url
    from app.desk import tokens
    from app.desk.operations import is_jti_revoked
    from app.extensions import db

    token = _token_from(url_or_token)
    try:
        jwks = _load_jwks(jwks_source) if jwks_source else keyring(current_app).jwks()
    except (OSError, ValueError) as exc:
        click.echo(f"not valid: cannot load JWKS ({exc.__class__.__name__})", err=True)
        sys.exit(1)
    expected = (
        issuer
        or _issuer_from_url(url_or_token)
        or public_base_url(db.session, current_app.config["PUBLIC_BASE_URL"])
    )
    try:
        verified = tokens.verify(
            token,
            jwks,
            expected.rstrip("/"),
            is_revoked=lambda jti: is_jti_revoked(db.session, jti),
        )
    except tokens.ReceiptTokenError as exc:
        click.echo(json.dumps({"valid": False, "error": exc.code}))
        sys.exit(1)
    claims = verified.claims
    click.echo(
        json.dumps(
            {
                "valid": True,
                "kid": verified.kid,
                "code": claims.sub,
                "procedure": claims.proc,
                "agency": claims.agc,
                "issuer": claims.iss,
                "received_at": datetime.fromtimestamp(claims.rcv, ZONE).isoformat(),
                "due_at": datetime.fromtimestamp(claims.due, ZONE).isoformat(),
            },
            ensure_ascii=False,
        )
    )


commands = [procedure_group, dossier_group, receipt_group]
