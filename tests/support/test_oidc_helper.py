"""Without ``npm ci`` the SSO tests skip, unless MOTCUA_REQUIRE_OIDC=1 makes that a failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from . import oidc


@pytest.fixture
def no_node_modules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(oidc, "PROVIDER_DIR", tmp_path)


@pytest.mark.usefixtures("no_node_modules")
def test_missing_install_skips_with_the_command_to_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MOTCUA_REQUIRE_OIDC", raising=False)
    with pytest.raises(pytest.skip.Exception, match="npm ci"), \
            oidc.running_oidc_provider(["http://127.0.0.1:1/cb"]):
        pass


@pytest.mark.usefixtures("no_node_modules")
def test_missing_install_fails_when_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTCUA_REQUIRE_OIDC", "1")
    with pytest.raises(pytest.fail.Exception, match="MOTCUA_REQUIRE_OIDC"), \
            oidc.running_oidc_provider(["http://127.0.0.1:1/cb"]):
        pass
