"""identity: framework-free rules for Vietnamese personal IDs, phones and VNeID e-ID guidance.

No Flask, no database, no global mutable state: every moment (`today`) is an argument and every
result is a frozen dataclass whose problems carry stable machine codes for the web layer.
"""

from identity.errors import IdentityError

__all__ = ["IdentityError"]
