from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from app.i18n import local_date, local_time
from app.i18n_tools import compiled_bytes, po_files


def test_every_catalogue_is_compiled_and_current() -> None:
    files = po_files()
    assert files, "no .po catalogue found"
    for po in files:
        mo = po.with_suffix(".mo")
        assert mo.exists(), f"{mo} missing: run `motcua i18n compile`"
        assert mo.read_bytes() == compiled_bytes(po), f"{mo} stale: run `motcua i18n compile`"


def test_english_catalogue_is_complete() -> None:
    from babel.messages.pofile import read_po

    main = next(p for p in po_files() if "app/translations/en" in str(p))
    with Path(main).open("rb") as handle:
        catalog = read_po(handle)
    missing = [m.id for m in catalog if m.id and not m.string]
    assert missing == []


def test_language_switch_shows_english(client: FlaskClient) -> None:
    vietnamese = client.get("/auth/login").get_data(as_text=True)
    assert "Đăng nhập cán bộ" in vietnamese
    client.get("/lang/en")
    english = client.get("/auth/login").get_data(as_text=True)
    assert 'lang="en"' in english
    assert "Đăng nhập cán bộ" not in english
    assert "Staff sign-in" in english


def test_dates_are_shown_in_hanoi_time_day_first() -> None:
    from datetime import UTC, datetime

    moment = datetime(2026, 1, 31, 20, 5, tzinfo=UTC)
    assert local_time(moment) == "01/02/2026 03:05"
    assert local_date(moment) == "01/02/2026"
    with pytest.raises(ValueError, match="naive"):
        local_time(datetime(2026, 1, 1))
