"""``motcua id inspect`` (what a number says) and ``motcua purge`` (activation personal data)."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from app.i18n import LOCAL_ZONE


def _dob(_ctx: click.Context, _param: click.Parameter, value: str | None) -> object:
    from app.activation.forms import parse_dmy

    if value is None:
        return None
    try:
        return parse_dmy(value)
    except ValueError:
        raise click.BadParameter("dd/mm/yyyy") from None


@click.group("id")
def id_group() -> None:
    """Personal ID numbers (số định danh cá nhân, CMND)."""


@id_group.command("inspect")
@click.argument("number")
@click.option("--dob", callback=_dob, help="Ngày sinh trên thẻ, dd/mm/yyyy.")
@click.option("--sex", type=click.Choice(["M", "F"]), help="Giới tính trên thẻ.")
@click.option("--json", "as_json", is_flag=True, help="In JSON.")
def inspect_command(number: str, dob: object, sex: str | None, as_json: bool) -> None:
    """Print what NUMBER says; exit 0 when valid and consistent with --dob/--sex, else 1."""
    from identity.inspect import inspect_number

    today = datetime.now(UTC).astimezone(LOCAL_ZONE).date()
    facts = inspect_number(number, dob, sex, today=today)  # type: ignore[arg-type]
    if as_json:
        click.echo(json.dumps(facts, ensure_ascii=False, sort_keys=True))
    else:
        click.echo(_human(facts))
    sys.exit(0 if facts["valid"] else 1)


def _human(facts: dict[str, object]) -> str:
    lines = [f"số: {facts['masked'] or '-'}  loại: {facts['kind'] or '-'}"]
    if facts["province"]:
        lines.append(
            f"nơi đăng ký khai sinh: {facts['province']} (nay thuộc {facts['province_now']})"
        )
    if facts["country"]:
        lines.append(f"đăng ký khai sinh ở nước ngoài: {facts['country']}")
    if facts["sex"]:
        lines.append(
            f"giới tính: {'Nam' if facts['sex'] == 'M' else 'Nữ'}  năm sinh: {facts['birth_year']}"
        )
    if facts["issuing_prefix"]:
        lines.append(f"CMND cũ, mã nơi cấp: {facts['issuing_prefix']}")
    for key in ("errors", "warnings"):
        for issue in facts[key]:  # type: ignore[attr-defined]
            lines.append(f"{key[:-1]}: {issue['code']} {issue['detail']}".rstrip())
    lines.append("hợp lệ" if facts["valid"] else "KHÔNG hợp lệ")
    return "\n".join(lines)


@click.command("purge")
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=None,
    help="Số ngày lưu giữ (mặc định ACTIVATION_RETENTION_DAYS).",
)
@with_appcontext
def purge_command(days: int | None) -> None:
    """Xóa dữ liệu cá nhân của các lượt hỗ trợ VNeID quá thời hạn lưu giữ."""
    from app.activation.operations import purge_expired
    from app.audit.operations import record
    from app.extensions import db

    retention = days or int(current_app.config["ACTIVATION_RETENTION_DAYS"])
    now = datetime.now(UTC)
    purged = purge_expired(db.session, now=now, retention_days=retention)
    record(
        db.session,
        actor="cli",
        action="activation.purge",
        target="activation_case",
        details={"purged": purged, "retention_days": retention},
        at=now,
    )
    db.session.commit()
    click.echo(json.dumps({"purged": purged, "retention_days": retention}))


commands = [id_group, purge_command]
