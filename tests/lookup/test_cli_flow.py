"""The desk's CLI receives a dossier; its printed QR URL opens the public page, and the token
checks out against the JWKS this feature serves."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner


def test_cli_intake_url_opens_the_page_and_verifies_against_served_jwks(
        app: Flask, client: FlaskClient, runner: FlaskCliRunner, tmp_path: Path) -> None:
    from app.desk.operations import seed_catalogue
    from app.extensions import db

    with app.app_context():
        seed_catalogue(db.session)
        db.session.commit()
    result = runner.invoke(args=["dossier", "receive", "--procedure", "2.000884",
                                 "--applicant-name", "Trần Thị Bích", "--phone", "0987654321",
                                 "--json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    url = urlsplit(printed["lookup_url"])
    data = client.get(url.path, headers={"Accept": "application/json"}).get_json()
    assert data["code"] == printed["code"]
    assert data["applicant"] == "T. T. B."
    assert "0987654321" not in json.dumps(data)

    jwks_file = tmp_path / "jwks.json"
    jwks_file.write_text(client.get("/.well-known/jwks.json").get_data(as_text=True))
    ok = runner.invoke(args=["receipt", "verify", printed["lookup_url"], "--jwks",
                             str(jwks_file)])
    assert ok.exit_code == 0, ok.output
    token = url.fragment
    forged = printed["lookup_url"].replace(token, token[:-3] + ("AAA" if token[-3:] != "AAA"
                                                                  else "BBB"))
    bad = runner.invoke(args=["receipt", "verify", forged, "--jwks", str(jwks_file)])
    assert bad.exit_code == 1
