"""Dossiers through the API give the desk's result, and bad input changes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.desk.codes import validate_lookup_key
from app.extensions import db
from app.models.dossier import Dossier
from app.models.procedure import Procedure

PROCEDURE = "1.001193"  # birth registration in the seed catalogue (4 working hours)
BODY: dict[str, Any] = {"procedure_code": PROCEDURE,
                        "applicant": {"name": "Nguyễn Thị Hằng", "phone": "0912345678",
                                      "personal_id": "001203012345"}}


@pytest.fixture
def writer(bearer: Callable[..., dict[str, str]]) -> dict[str, str]:
    return bearer("dossiers:read dossiers:write")


def _count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Dossier)) or 0


def _create(client: FlaskClient, headers: dict[str, str], body: Any = None) -> Any:
    return client.post("/api/v1/dossiers", json=BODY if body is None else body, headers=headers)


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body: dict[str, Any] = response.get_json()
    assert body["status"] == status
    return body


def test_procedures_are_seeded(app: Flask) -> None:
    with app.app_context():
        assert db.session.scalar(select(Procedure).where(Procedure.code == PROCEDURE))


@pytest.mark.both_databases
def test_create_gives_code_lookup_url_and_due_time_like_the_desk(
        app: Flask, client: FlaskClient, writer: dict[str, str]) -> None:
    response = _create(client, writer)
    assert response.status_code == 201, response.get_json()
    view = response.get_json()
    assert response.headers["Location"] == f"/api/v1/dossiers/{view['code']}"
    url = urlsplit(view["lookup_url"])
    validate_lookup_key(url.path.rsplit("/", 1)[-1])
    assert url.fragment.count(".") == 2  # the signed receipt token (compact JWS)
    assert view["status"] == "received"
    assert view["due_at"] > view["received_at"]
    assert "001203012345" not in response.get_data(as_text=True)
    with app.app_context():
        stored = db.session.scalar(select(Dossier).where(Dossier.code == view["code"]))
        assert stored is not None
        assert stored.received_by.startswith("client:mc_")
        assert stored.personal_id_masked == "001******345"
    again = client.get(f"/api/v1/dossiers/{view['code']}", headers=writer)
    assert again.status_code == 200
    assert again.get_json() == view


def test_idempotency_key_returns_the_first_dossier(
        app: Flask, client: FlaskClient, writer: dict[str, str]) -> None:
    body = {**BODY, "idempotency_key": "kiosk-7-000123"}
    first, second = _create(client, writer, body), _create(client, writer, body)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.get_json()["code"] == second.get_json()["code"]
    assert _count(app) == 1


@pytest.mark.both_databases
def test_transitions_follow_the_desk_workflow(client: FlaskClient,
                                              writer: dict[str, str]) -> None:
    code = _create(client, writer).get_json()["code"]
    url = f"/api/v1/dossiers/{code}/transitions"
    moved = client.post(url, json={"status": "processing"}, headers=writer)
    assert moved.status_code == 200
    assert moved.get_json()["status"] == "processing"
    assert [e["status"] for e in moved.get_json()["timeline"]] == ["received", "processing"]
    impossible = _problem(client.post(url, json={"status": "returned"}, headers=writer), 409)
    assert impossible["code"] == "transition_impossible"
    assert impossible["field"] == "/status"
    no_note = _problem(client.post(url, json={"status": "refused"}, headers=writer), 400)
    assert no_note["field"] == "/note"
    assert client.get(f"/api/v1/dossiers/{code}", headers=writer).get_json()["status"] == \
        "processing"


def test_unknown_code_is_404_problem(client: FlaskClient, writer: dict[str, str]) -> None:
    assert _problem(client.get("/api/v1/dossiers/NOPE", headers=writer), 404)["code"] == \
        "dossier_not_found"


def test_unknown_procedure_is_422_naming_it(app: Flask, client: FlaskClient,
                                             writer: dict[str, str]) -> None:
    body = _problem(_create(client, writer, {**BODY, "procedure_code": "9.999999"}), 422)
    assert body["code"] == "procedure_unknown"
    assert _count(app) == 0


@pytest.mark.parametrize(("body", "field"), [
    ({**BODY, "colour": "blue"}, "/colour"),
    ({**BODY, "applicant": {**BODY["applicant"], "nickname": "Hằng"}}, "/applicant/nickname"),
    ({**BODY, "sets": "2"}, "/sets"),
    ({**BODY, "sets": 0}, "/sets"),
    ({**BODY, "applicant": {"name": 42}}, "/applicant/name"),
    ({**BODY, "applicant": {**BODY["applicant"], "personal_id": "12345"}},
     "/applicant/personal_id"),
    ({**BODY, "documents": [{"name": "Tờ khai", "sets": 1.5}]}, "/documents/0/sets"),
    ({**BODY, "collect_method": "post"}, "/collect_address"),
    ({"applicant": BODY["applicant"]}, "/procedure_code"),
    ([BODY], ""),
])
def test_bad_json_is_400_naming_the_field_and_changes_nothing(
        app: Flask, client: FlaskClient, writer: dict[str, str], body: Any, field: str) -> None:
    problem = _problem(_create(client, writer, body), 400)
    assert problem["code"] == "invalid_input"
    assert problem["field"] == field
    assert _count(app) == 0


def test_not_json_is_refused(app: Flask, client: FlaskClient, writer: dict[str, str]) -> None:
    broken = client.post("/api/v1/dossiers", data="{not json", headers={
        **writer, "Content-Type": "application/json"})
    assert _problem(broken, 400)["field"] == "/"
    form = client.post("/api/v1/dossiers", data={"procedure_code": PROCEDURE}, headers=writer)
    assert _problem(form, 415)["code"] == "unsupported_media_type"
    assert _count(app) == 0


def test_oversized_body_is_413_and_changes_nothing(
        app: Flask, client: FlaskClient, writer: dict[str, str]) -> None:
    limit = app.config["API_MAX_JSON_KB"] * 1024
    body = json.dumps({**BODY, "applicant": {"name": "A" * limit}})
    response = client.post("/api/v1/dossiers", data=body, headers={
        **writer, "Content-Type": "application/json"})
    assert _problem(response, 413)["field"] == "/"
    assert _count(app) == 0


@pytest.mark.parametrize("scopes", ["dossiers:read", "verify"])
def test_write_without_the_scope_is_403_and_changes_nothing(
        app: Flask, client: FlaskClient, bearer: Callable[..., dict[str, str]],
        writer: dict[str, str], scopes: str) -> None:
    code = _create(client, writer).get_json()["code"]
    reader = bearer(scopes)
    assert _problem(_create(client, reader), 403)["code"] == "insufficient_scope"
    moved = client.post(f"/api/v1/dossiers/{code}/transitions", json={"status": "processing"},
                        headers=reader)
    _problem(moved, 403)
    assert _count(app) == 1
    assert client.get(f"/api/v1/dossiers/{code}", headers=writer).get_json()["status"] == \
        "received"


def test_revoked_client_cannot_write(app: Flask, client: FlaskClient, runner: Any,
                                     writer: dict[str, str]) -> None:
    with app.app_context():
        from app.models.api_client import ApiClient

        client_id = db.session.scalars(select(ApiClient.client_id)).one()
    assert runner.invoke(args=["api-client", "revoke", client_id]).exit_code == 0
    assert _problem(_create(client, writer), 401)["code"] == "invalid_token"
    assert _count(app) == 0


@pytest.mark.both_databases
def test_statistics_are_the_dashboards_figures_for_the_period(client: FlaskClient,
                                                             writer: dict[str, str]) -> None:
    code = _create(client, writer).get_json()["code"]
    client.post(f"/api/v1/dossiers/{code}/transitions", json={"status": "result_ready"},
                headers=writer)
    day = code.split("-")[-2]
    iso = f"20{day[:2]}-{day[2:4]}-{day[4:]}"
    figures = client.get(f"/api/v1/stats?from={iso}&to={iso}", headers=writer).get_json()
    assert (figures["received"], figures["finished"]) == (1, 1), figures
    timeliness = figures["timeliness"]
    assert (timeliness["early"] + timeliness["on_time"], timeliness["overdue"]) == (1, 0)
    assert timeliness["in_time_share"] == 1.0
    other_desk = client.get(f"/api/v1/stats?from={iso}&to={iso}&agency_code=000.00.99.H99",
                            headers=writer).get_json()
    assert other_desk["received"] == 0
    swapped = client.get("/api/v1/stats?from=2026-02-01&to=2026-01-01", headers=writer)
    assert _problem(swapped, 400)["field"] == "/to"


@pytest.mark.parametrize(("body", "field"), [
    ({"status": "processing", "by": "me"}, "/by"),
    ({"status": 3}, "/status"),
    ({"status": "archived"}, "/status"),
    ({"status": "processing", "note": ["x"]}, "/note"),
])
def test_bad_transition_is_400_naming_the_field_and_changes_nothing(
        client: FlaskClient, writer: dict[str, str], body: dict[str, Any], field: str) -> None:
    code = _create(client, writer).get_json()["code"]
    response = client.post(f"/api/v1/dossiers/{code}/transitions", json=body, headers=writer)
    assert _problem(response, 400)["field"] == field
    assert client.get(f"/api/v1/dossiers/{code}", headers=writer).get_json()["status"] == \
        "received"
