"""Handler of the public signature check ("Kiểm tra chữ ký số"); rules: blueprint.py."""

from __future__ import annotations

import base64

from flask import current_app, render_template, request
from werkzeug.wrappers import Response

from app.extensions import limiter
from app.verify.forms import VerifyForm


def _rate_limit() -> str:
    return str(current_app.config["VERIFY_RATE_LIMIT"])


def _read(storage: object) -> bytes | None:
    stream = getattr(storage, "stream", None)
    if stream is None or not getattr(storage, "filename", ""):
        return None
    return bytes(stream.read())


@limiter.limit(_rate_limit, methods=["POST"])
def index() -> str | Response:
    """The upload form and, after a POST, the verdict (the upload is never stored)."""
    from app.verify.operations import verify_upload
    from app.verify.present import json_data_uri, present, report_json

    form = VerifyForm()
    if not form.validate_on_submit():
        return render_template("verify/index.html", form=form, view=None)
    document = form.document.data
    report = verify_upload(
        _read(document) or b"",
        filename=document.filename or "",
        detached_content=_read(form.content.data),
    )
    if request.form.get("output") == "json":
        response = Response(report_json([report]), mimetype="application/json")
        response.headers["Content-Disposition"] = "attachment; filename=bao-cao-chu-ky.json"
        return response
    view = present(report)
    printable = render_template("verify/print.html", view=view)
    return render_template(
        "verify/index.html",
        form=VerifyForm(formdata=None),
        view=view,
        json_uri=json_data_uri(report),
        html_uri="data:text/html;charset=utf-8;base64,"
        + base64.b64encode(printable.encode()).decode(),
    )
