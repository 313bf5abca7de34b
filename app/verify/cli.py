"""``motcua verify``: check signed PDF, CMS and XML files from scripts (stable exit codes).

Exit 0 when every document is TOTAL_PASSED, 1 when any is TOTAL_FAILED or NO_SIGNATURE, 2 when
the rest are INDETERMINATE, 3 on a usage error.  ``--json`` prints ``{"documents": [...]}``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from flask import current_app
from flask.cli import with_appcontext

if TYPE_CHECKING:
    from esign.report import DocumentReport

SUFFIXES = frozenset({".pdf", ".p7s", ".p7m", ".xml", ".sig"})
DETACHED = frozenset({".p7s", ".sig"})
EXIT_PASSED, EXIT_FAILED, EXIT_INDETERMINATE, EXIT_USAGE = 0, 1, 2, 3


class UsageError(click.UsageError):
    """A usage error with the documented exit code 3 (click's own is 2, taken by INDETERMINATE)."""

    exit_code = EXIT_USAGE


class _Command(click.Command):
    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            if isinstance(exc, UsageError):
                raise
            raise UsageError(exc.format_message(), ctx) from exc


def parse_moment(text: str | None) -> datetime | None:
    """ISO 8601; a time without offset is Vietnam time (Asia/Ho_Chi_Minh)."""
    if text is None:
        return None
    from app.i18n import LOCAL_ZONE

    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--at: not an ISO 8601 time: {text!r}") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=LOCAL_ZONE)


def _walk(paths: Iterable[Path]) -> list[Path]:
    """Files named on the command line, and the signed files found in named folders.

    A folder's ``X.p7s`` takes ``X`` as its detached content, so ``X`` is not listed on its own.
    """
    files: list[Path] = []
    for path in paths:
        if not path.exists():
            raise UsageError(f"no such file or folder: {path}")
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
            )
            contents = {p.with_suffix("") for p in found if p.suffix.lower() in DETACHED}
            files.extend(p for p in found if p not in contents)
        else:
            files.append(path)
    return files


def _content_for(path: Path) -> bytes | None:
    if path.suffix.lower() not in DETACHED:
        return None
    content = path.with_suffix("")
    return content.read_bytes() if content.is_file() else None


def exit_code(reports: Iterable[DocumentReport]) -> int:
    indications = {str(r.indication) for r in reports}
    if indications & {"TOTAL_FAILED", "NO_SIGNATURE"}:
        return EXIT_FAILED
    if indications - {"TOTAL_PASSED"}:
        return EXIT_INDETERMINATE
    return EXIT_PASSED


def _progress(files: list[Path]) -> Iterator[Path]:
    """A progress bar on a terminal only (never in pipes, logs or --json captures)."""
    if len(files) > 1 and sys.stderr.isatty():
        with click.progressbar(files, file=sys.stderr, label="verify") as bar:
            yield from bar
    else:
        yield from files


def _text(report: DocumentReport) -> str:
    from app.verify.messages import verdict

    first = report.errors[0].code if report.errors else None
    sub = None if report.sub_indication is None else str(report.sub_indication)
    sentence = verdict(str(report.indication), sub, first).sentence
    lines = [f"{report.indication}  {report.file}: {sentence}"]
    for sig in report.signatures:
        signer = sig.facts.signer
        name = signer.common_name if signer and signer.common_name else "?"
        lines.append(
            f"  - {sig.facts.field}: {sig.indication}"
            f"{'/' + str(sig.sub_indication) if sig.sub_indication else ''} · {name}"
        )
    return "\n".join(lines)


def _agency_trust() -> Any:
    """The same trust list as the web page: the packaged VN pack minus anchors an admin turned
    off, plus uploaded anchors and CRLs. Without a migrated database, the packaged pack."""
    from sqlalchemy.exc import SQLAlchemyError

    from app.admin.trust import trust_store
    from app.extensions import db
    from esign.trust import TrustStore

    try:
        return trust_store(db.session)
    except SQLAlchemyError:
        db.session.rollback()
        return TrustStore.default()


@click.command("verify", cls=_Command)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help='Print {"documents": [...]} as JSON.')
@click.option(
    "--trust",
    "trust_paths",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Extra trust anchors/CRLs: a PEM/DER file or a folder (repeatable).",
)
@click.option("--no-default-trust", is_flag=True,
              help="Trust only --trust: not the agency's list (VN pack and admin anchors).")
@click.option("--at", "at", default=None, help="Validation time, ISO 8601 (default: now).")
@click.option(
    "--revocation",
    type=click.Choice(["offline", "soft", "hard"]),
    default="offline",
    show_default=True,
)
@with_appcontext
def verify_command(
    paths: tuple[Path, ...],
    as_json: bool,
    trust_paths: tuple[Path, ...],
    no_default_trust: bool,
    at: str | None,
    revocation: str,
) -> None:
    """Verify the signatures of PATH... (files or folders of .pdf/.p7s/.p7m/.xml)."""
    from app.verify.present import report_json
    from esign.errors import TrustStoreError
    from esign.policy import ValidationPolicy
    from esign.trust import TrustStore
    from esign.worker import WorkerPool, verify_in_worker

    moment = parse_moment(at)
    for extra in trust_paths:
        if not extra.exists():
            raise UsageError(f"--trust: no such file or folder: {extra}")
    try:
        extra = TrustStore.from_paths(list(trust_paths), include_default=False)
    except TrustStoreError as exc:
        raise UsageError(f"--trust: {exc}") from exc
    base = TrustStore.empty() if no_default_trust else _agency_trust()
    trust = base.with_anchors(*extra.anchors).with_crls(*extra.crls)
    files = _walk(paths)
    policy = ValidationPolicy(revocation_mode=revocation)  # type: ignore[arg-type]
    reports: list[Any] = []
    with WorkerPool(size=1) as pool:
        for path in _progress(files):
            try:
                data = path.read_bytes()
                content = _content_for(path)
            except OSError as exc:
                raise UsageError(f"cannot read {path}: {exc.strerror}") from exc
            reports.append(
                verify_in_worker(
                    data,
                    filename=str(path),
                    detached_content=content,
                    trust=trust,
                    moment=moment,
                    policy=policy,
                    pool=pool,
                )
            )
    if as_json:
        click.echo(report_json(reports))
    else:
        # Translations pick the locale from a request; the CLI speaks the default (Vietnamese).
        with current_app.test_request_context():
            for report in reports:
                click.echo(_text(report))
    sys.exit(exit_code(reports))


commands = [verify_command]
