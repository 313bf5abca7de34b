"""Staff sign-in: local accounts with passwords (and OIDC single sign-on, see oidc.py)."""
