from __future__ import annotations

import stat
from pathlib import Path

import pytest

from app import create_app
from app.config import ConfigError, load_config


def test_defaults_give_sqlite_in_the_instance_folder(tmp_path: Path) -> None:
    config = load_config(tmp_path, environ={})
    assert config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'motcua.db'}"
    assert config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_layers_apply_in_order(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('public_base_url = "https://file.example"\n'
                                          'max_upload_mb = 10\n')
    from_file = load_config(tmp_path, environ={})
    assert from_file["PUBLIC_BASE_URL"] == "https://file.example"
    from_env = load_config(tmp_path, environ={"MOTCUA_PUBLIC_BASE_URL": "https://env.example",
                                              "MOTCUA_MAX_UPLOAD_MB": "20"})
    assert from_env["PUBLIC_BASE_URL"] == "https://env.example"
    assert from_env["MAX_UPLOAD_MB"] == 20
    overridden = load_config(tmp_path, {"PUBLIC_BASE_URL": "https://test.example"},
                             environ={"MOTCUA_PUBLIC_BASE_URL": "https://env.example"})
    assert overridden["PUBLIC_BASE_URL"] == "https://test.example"


@pytest.mark.parametrize(("environ", "key"), [
    ({"MOTCUA_NO_SUCH_KEY": "1"}, "MOTCUA_NO_SUCH_KEY"),
    ({"MOTCUA_MAX_UPLOAD_MB": "lots"}, "MAX_UPLOAD_MB"),
    ({"MOTCUA_MAX_UPLOAD_MB": "-3"}, "MAX_UPLOAD_MB"),
    ({"MOTCUA_PUBLIC_BASE_URL": "ftp://x"}, "PUBLIC_BASE_URL"),
    ({"MOTCUA_DATABASE_URL": "mysql://x/y"}, "DATABASE_URL"),
    ({"MOTCUA_RATELIMIT_STORAGE_URI": "mongodb://x"}, "RATELIMIT_STORAGE_URI"),
    ({"MOTCUA_LOG_FORMAT": "xml"}, "LOG_FORMAT"),
    ({"MOTCUA_SECRET_KEY": "short"}, "SECRET_KEY"),
    ({"MOTCUA_OIDC_PROVISION": "maybe"}, "OIDC_PROVISION"),
    ({"MOTCUA_LOGIN_RATE_LIMIT": "lots"}, "LOGIN_RATE_LIMIT"),
    ({"MOTCUA_VERIFY_RATE_LIMIT": "fast"}, "VERIFY_RATE_LIMIT"),
    ({"MOTCUA_LOOKUP_MISS_LIMIT": "10 per fortnight"}, "LOOKUP_MISS_LIMIT"),
    ({"MOTCUA_API_DEFAULT_RATE_LIMIT": "120 per fortnight"}, "API_DEFAULT_RATE_LIMIT"),
])
def test_bad_values_name_the_key(tmp_path: Path, environ: dict[str, str], key: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path, environ=environ)
    assert info.value.key == key
    assert key in str(info.value)


def test_bad_instance_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("unknown_thing = 1\n")
    with pytest.raises(ConfigError, match="UNKNOWN_THING"):
        load_config(tmp_path, environ={})
    (tmp_path / "config.toml").write_text("this is = not toml [\n")
    with pytest.raises(ConfigError, match="TOML"):
        load_config(tmp_path, environ={})


def test_first_run_generates_private_secrets_and_keeps_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MOTCUA_SECRET_KEY", raising=False)
    instance = tmp_path / "inst"
    app = create_app({"INSTANCE_PATH": str(instance)})
    secret = app.config["SECRET_KEY"]
    assert len(secret) >= 32
    for name in ("secret_key", "data.key", "hmac.key"):
        mode = stat.S_IMODE((instance / name).stat().st_mode)
        assert mode == 0o600, name
    keys = list((instance / "keys").glob("*.pem"))
    assert len(keys) == 1
    assert stat.S_IMODE(keys[0].stat().st_mode) == 0o600
    again = create_app({"INSTANCE_PATH": str(instance)})
    assert again.config["SECRET_KEY"] == secret
    assert list((instance / "keys").glob("*.pem")) == keys
    other = create_app({"INSTANCE_PATH": str(tmp_path / "other")})
    assert other.config["SECRET_KEY"] != secret
