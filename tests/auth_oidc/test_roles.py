"""Mapping the provider's role claim (ID token or userinfo) to a motcua role."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.auth.oidc_roles import (
    NoMappedRole,
    RoleMapError,
    claim_values,
    map_role,
    merged_role_values,
    parse_role_map,
)

MAP = parse_role_map("motcua-officer=officer, motcua-supervisor=supervisor,\nmotcua-admin=admin")


def test_role_map_is_parsed() -> None:
    assert MAP == {"motcua-officer": "officer", "motcua-supervisor": "supervisor",
                   "motcua-admin": "admin"}
    assert parse_role_map("") == {}
    assert parse_role_map("/Một cửa/Cán bộ=officer") == {"/Một cửa/Cán bộ": "officer"}


@pytest.mark.parametrize("bad", ["officer", "=officer", "grp=root", "grp=Officer"])
def test_bad_role_map_is_refused(bad: str) -> None:
    with pytest.raises(RoleMapError):
        parse_role_map(bad)


def test_highest_mapped_role_wins_and_unmapped_values_are_ignored() -> None:
    assert map_role(["x", "motcua-officer", "motcua-admin"], MAP) == "admin"
    assert map_role(["motcua-supervisor", "motcua-officer"], MAP) == "supervisor"
    with pytest.raises(NoMappedRole):
        map_role(["other-app-admin"], MAP)


def test_claim_shapes() -> None:
    assert claim_values({"roles": ["a", "b"]}, "roles") == ["a", "b"]
    assert claim_values({"roles": "a b"}, "roles") == ["a", "b"]
    assert claim_values({"realm_access": {"roles": ["a"]}}, "realm_access.roles") == ["a"]
    assert claim_values({"roles": {"a": 1}}, "roles") == []
    assert claim_values({}, "roles") == []


def test_roles_are_read_from_id_token_and_userinfo() -> None:
    assert merged_role_values("roles", {"sub": "x"}, {"roles": ["motcua-officer"]}) == \
        ["motcua-officer"]
    assert merged_role_values("roles", {"roles": ["a"]}, {"roles": ["a", "b"]}) == ["a", "b"]


@given(st.lists(st.text(), max_size=6))
def test_any_claim_values_map_to_a_known_role_or_refuse(values: list[str]) -> None:
    try:
        role = map_role(values, MAP)
    except NoMappedRole:
        assert not set(values) & MAP.keys()
    else:
        assert role == max((MAP[v] for v in values if v in MAP),
                           key=["officer", "supervisor", "admin"].index)
