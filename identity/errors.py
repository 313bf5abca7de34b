"""One exception hierarchy for the identity library.

Parsers never raise on bad *input* (they return coded issues); these are raised for misuse of
the API and for bad packaged data, each with a stable machine ``code``.
"""

from __future__ import annotations


class IdentityError(Exception):
    """Raised when the identity library is misused; ``code`` is stable and machine readable."""

    code: str = "identity_error"

    def __init__(self, code: str | None = None, detail: str = "") -> None:
        if code is not None:
            self.code = code
        self.detail = detail
        super().__init__(f"{self.code}: {detail}" if detail else self.code)


class DataError(IdentityError):
    """Raised when a packaged data table is missing or malformed."""

    code = "bad_data"


class GuideError(IdentityError):
    """Raised when a guide journey is driven through a step or transition that does not exist."""

    code = "guide_error"


class NoVersionInForce(IdentityError):
    """Raised when no version of a dated data set is in force at the asked date."""

    code = "no_version_in_force"
