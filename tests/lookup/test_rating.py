"""Rating a returned dossier: once, with CSRF, rate-limited, audit-logged as "citizen"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.extensions import db
from app.lookup.operations import ratings_summary
from app.models.audit import AuditEntry
from app.models.rating import Rating
from tests.helpers import csrf_from
from tests.lookup.conftest import Received


def _ratings(app: Flask) -> list[Rating]:
    with app.app_context():
        return list(db.session.scalars(select(Rating).order_by(Rating.id)))


def _rate(client: FlaskClient, found: Received, score: str = "very_satisfied",
          comment: str = "", token: str | None = None, **kw: Any):  # type: ignore[no-untyped-def]
    if token is None:
        token = csrf_from(client.get(found.path).get_data(as_text=True))
    return client.post(f"{found.path}/rating", data={"csrf_token": token, "score": score,
                                                     "comment": comment}, **kw)


@pytest.mark.both_databases
def test_returned_dossier_is_rated_once(app: Flask, client: FlaskClient,
                                        returned: Received) -> None:
    page = client.get(returned.path).get_data(as_text=True)
    assert "Rất hài lòng" in page
    assert "Không hài lòng" in page
    response = _rate(client, returned, "satisfied", "Cán bộ nhiệt tình", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Cảm ơn ông/bà đã đánh giá" in html
    assert 'id="rating-form"' not in html  # no second form
    [rating] = _ratings(app)
    assert (rating.score, rating.comment) == ("satisfied", "Cán bộ nhiệt tình")
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(
            AuditEntry.action == "dossier.rating")).one()
        assert entry.actor == "citizen"
        assert entry.target == returned.code
        assert "nhiệt tình" not in str(entry.details)


@pytest.mark.both_databases
def test_second_rating_gets_a_clear_message(app: Flask, client: FlaskClient,
                                            returned: Received) -> None:
    token = csrf_from(client.get(returned.path).get_data(as_text=True))
    assert _rate(client, returned, token=token).status_code == 303
    again = _rate(client, returned, "not_satisfied", token=token, follow_redirects=True)
    assert "Hồ sơ này đã được đánh giá" in again.get_data(as_text=True)
    as_json = _rate(client, returned, "not_satisfied", token=token,
                    headers={"Accept": "application/json"})
    assert as_json.status_code == 409
    assert as_json.get_json()["code"] == "rating_exists"
    blank = _rate(client, returned, score="", token=token, follow_redirects=True)
    assert "Hồ sơ này đã được đánh giá" in blank.get_data(as_text=True)
    assert [r.score for r in _ratings(app)] == ["very_satisfied"]


@pytest.mark.both_databases
def test_database_refuses_a_second_rating_row(app: Flask, returned: Received) -> None:
    """The unique constraint settles two submits racing past the first check."""
    from sqlalchemy.exc import IntegrityError

    with app.app_context():
        db.session.add(Rating(dossier_id=returned.id, score="satisfied"))
        db.session.commit()
        db.session.add(Rating(dossier_id=returned.id, score="not_satisfied"))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_rating_requires_csrf(app: Flask, client: FlaskClient, returned: Received) -> None:
    response = client.post(f"{returned.path}/rating", data={"score": "very_satisfied"})
    assert response.status_code == 400
    assert _rate(client, returned, token="forged").status_code == 400
    assert _ratings(app) == []


def test_rating_only_once_returned(app: Flask, client: FlaskClient,
                                   receive: Callable[..., Received],
                                   move: Callable[..., None]) -> None:
    found = receive()
    move(found, "processing", "result_ready")
    page = client.get(found.path).get_data(as_text=True)
    assert 'id="rating-form"' not in page
    token = csrf_from(client.get("/auth/login").get_data(as_text=True))
    response = _rate(client, found, token=token, headers={"Accept": "application/json"})
    assert response.status_code == 409
    assert response.get_json()["code"] == "rating_not_returned"
    invalid = _rate(client, found, score="", token=token, follow_redirects=True)
    assert "Chỉ có thể đánh giá sau khi đã nhận kết quả" in invalid.get_data(as_text=True)
    assert 'id="rating-form"' not in invalid.get_data(as_text=True)
    assert _ratings(app) == []


def test_rating_input_is_checked(app: Flask, client: FlaskClient, returned: Received) -> None:
    token = csrf_from(client.get(returned.path).get_data(as_text=True))
    too_long = _rate(client, returned, comment="x" * 501, token=token)
    assert too_long.status_code == 422
    assert "Góp ý tối đa 500 ký tự." in too_long.get_data(as_text=True)
    assert _rate(client, returned, score="excellent", token=token).status_code == 422
    as_json = _rate(client, returned, score="", token=token,
                    headers={"Accept": "application/json"})
    assert as_json.status_code == 422
    assert as_json.get_json()["field"] == "score"
    assert _ratings(app) == []
    assert _rate(client, returned, comment="y" * 500, token=token).status_code == 303


def test_rating_unknown_key_is_404(client: FlaskClient, returned: Received) -> None:
    token = csrf_from(client.get(returned.path).get_data(as_text=True))
    response = client.post("/r/" + "N" * 22 + "/rating",
                           data={"csrf_token": token, "score": "satisfied"})
    assert response.status_code == 404


class TestRatingRateLimit:
    @pytest.fixture
    def app_config(self) -> dict[str, Any]:
        return {"LOOKUP_RATING_LIMIT": "2 per minute"}

    def test_rating_posts_are_rate_limited(self, client: FlaskClient,
                                           returned: Received) -> None:
        token = csrf_from(client.get(returned.path).get_data(as_text=True))
        statuses = [_rate(client, returned, score="bad", token=token).status_code
                    for _ in range(3)]
        assert statuses == [422, 422, 429]


@pytest.mark.both_databases
def test_ratings_summary_counts_the_window(app: Flask, receive: Callable[..., Received],
                                           move: Callable[..., None]) -> None:
    from app.lookup.operations import rate_dossier
    from app.models.dossier import Dossier

    now = datetime.now(UTC)
    scores = ["very_satisfied", "satisfied", "not_satisfied", "satisfied"]
    for n, score in enumerate(scores):
        found = receive()
        move(found, "processing", "result_ready", "returned")
        with app.app_context():
            dossier = db.session.get(Dossier, found.id)
            assert dossier is not None
            rate_dossier(db.session, dossier, score=score, comment="ok" if n == 0 else "",
                         now=now - timedelta(days=n * 10))
            db.session.commit()
    with app.app_context():
        summary = ratings_summary(db.session, now - timedelta(days=15), now + timedelta(seconds=1))
        assert (summary.total, summary.very_satisfied, summary.satisfied,
                summary.not_satisfied, summary.with_comment) == (2, 1, 1, 0, 1)
        assert summary.satisfied_share == 1.0
        everything = ratings_summary(db.session, now - timedelta(days=100), now + timedelta(1))
        assert everything.total == 4
        assert everything.satisfied_share == 0.75
        assert db.session.scalar(select(func.count()).select_from(Rating)) == 4
        later = ratings_summary(db.session, now + timedelta(1), now + timedelta(2))
        assert later.satisfied_share is None
