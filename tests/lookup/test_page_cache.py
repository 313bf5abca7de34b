"""The page cache (app/lookup/pages.py) answers repeat views without ever showing a stale or
someone else's page: each change the citizen could see gives a new state, hence a new page."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from app.models.dossier import Dossier
from tests.helpers import csrf_from
from tests.lookup.conftest import Received

JSON = {"Accept": "application/json"}


def _entries(app: Flask) -> int:
    return len(app.extensions["motcua.lookup_pages"])


@pytest.fixture
def desk(app: Flask) -> Iterator[Callable[[Received], Dossier]]:
    """``desk(found)`` gives the dossier in an app context, for the desk's own operations."""
    with app.app_context():
        yield lambda found: db.session.get(Dossier, found.id)
        db.session.commit()


def _html(client: FlaskClient, found: Received, **kw: Any) -> str:
    response = client.get(found.path, **kw)
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.both_databases
def test_repeat_view_is_answered_from_the_cache(app: Flask, client: FlaskClient,
                                                receive: Callable[..., Received]) -> None:
    found = receive()
    first = _html(client, found)
    assert _entries(app) == 1
    assert _html(client, found) == first
    assert client.get(found.path, headers=JSON).get_json()["code"] == found.code
    assert _entries(app) == 2  # one per format


@pytest.mark.both_databases
def test_a_status_step_shows_at_once(app: Flask, client: FlaskClient,
                                     receive: Callable[..., Received],
                                     move: Callable[..., None]) -> None:
    found = receive()
    assert "Đang giải quyết" not in _html(client, found)
    before = client.get(found.path, headers=JSON).get_json()
    move(found, "processing")
    assert "Đang giải quyết" in _html(client, found)
    after = client.get(found.path, headers=JSON).get_json()
    assert after["status"]["code"] == "processing" != before["status"]["code"]
    assert len(after["timeline"]) == len(before["timeline"]) + 1


def test_apology_reissue_and_agency_edits_show_at_once(app: Flask, client: FlaskClient,
                                                       receive: Callable[..., Received],
                                                       desk: Callable[[Received], Dossier]
                                                       ) -> None:
    from app import keyring
    from app.admin.agency import get_agency
    from app.desk import operations as ops

    found = receive(now=datetime.now(UTC) - timedelta(days=60))  # long overdue
    before = client.get(found.path, headers=JSON).get_json()
    assert before["promised_at"] is None
    assert before["receipt"]["revoked_jti"] == []
    now = datetime.now(UTC)
    dossier = desk(found)
    ops.add_apology(db.session, dossier, reason="Chậm do thiếu hồ sơ liên thông",
                    new_due_at=now + timedelta(days=3), actor="staff:test", now=now)
    db.session.commit()
    assert client.get(found.path, headers=JSON).get_json()["promised_at"] is not None
    ops.reissue_receipt(db.session, dossier, key=keyring(app).active(), base_url="http://x",
                        actor="staff:test", reason="mất giấy", now=now)
    db.session.commit()
    assert len(client.get(found.path, headers=JSON).get_json()["receipt"]["revoked_jti"]) == 1
    get_agency(db.session).address = "Số 1 phố Mới, phường Cửa Nam"
    db.session.commit()
    assert "Số 1 phố Mới, phường Cửa Nam" in _html(client, found)


def test_a_rating_shows_at_once_and_no_form_or_flash_is_kept(
        app: Flask, client: FlaskClient, returned: Received) -> None:
    page = _html(client, returned)
    assert 'id="rating-form"' in page
    assert _entries(app) == 0  # the form carries this visitor's CSRF token
    other = app.test_client()
    assert csrf_from(_html(other, returned)) != csrf_from(page)
    response = client.post(f"{returned.path}/rating", follow_redirects=True,
                           data={"csrf_token": csrf_from(page), "score": "satisfied"})
    thanked = response.get_data(as_text=True)
    assert "Cảm ơn ông/bà đã đánh giá" in thanked
    assert 'id="rating-done"' in thanked
    assert _entries(app) == 0  # the flashed thanks belong to this visitor only
    for visitor in (other, app.test_client()):
        html = _html(visitor, returned)
        assert 'id="rating-done"' in html
        assert 'id="rating-form"' not in html
        assert "Cảm ơn ông/bà đã đánh giá" not in html


def test_staff_header_is_never_kept_or_shown_to_citizens(app: Flask, client: FlaskClient,
                                                         login: Callable[..., str],
                                                         receive: Callable[..., Received]
                                                         ) -> None:
    found = receive()
    name = login("officer")
    assert name in _html(client, found)  # the officer sees the staff header
    assert _entries(app) == 0
    citizen = app.test_client()
    assert name not in _html(citizen, found)
    assert _entries(app) == 1
    assert name in _html(client, found)  # and never the citizen's copy


def test_languages_are_kept_apart(app: Flask, client: FlaskClient,
                                  receive: Callable[..., Received]) -> None:
    found = receive()
    assert '<html lang="vi">' in _html(client, found)
    english = client.get(found.path + "?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english
    assert '<html lang="vi">' in app.test_client().get(found.path).get_data(as_text=True)


def test_unknown_keys_share_one_decoy_and_still_get_404(app: Flask, client: FlaskClient,
                                                        receive: Callable[..., Received]
                                                        ) -> None:
    found = receive()
    _html(client, found)
    for key in ("A" * 22, "B" * 22, "C" * 22):
        assert client.get("/r/" + key).status_code == 404
    assert _entries(app) == 2  # the dossier's page and one decoy


@pytest.mark.parametrize("app_config", [{"LOOKUP_PAGE_CACHE": 0}])
def test_cache_can_be_turned_off(app: Flask, client: FlaskClient,
                                 receive: Callable[..., Received],
                                 move: Callable[..., None]) -> None:
    found = receive()
    _html(client, found)
    _html(client, found)
    assert _entries(app) == 0
    move(found, "processing")
    assert "Đang giải quyết" in _html(client, found)


def test_cache_is_bounded() -> None:
    from app.lookup.pages import PageCache

    cache = PageCache(2)
    for n in range(3):
        cache.put(("state", n), f"page {n}")
    assert cache.get(("state", 0)) is None
    assert cache.get(("state", 2)) == "page 2"
    assert len(cache) == 2
