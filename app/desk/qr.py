"""QR code of a receipt: `<public base URL>/r/<key>#<token>`, error correction M.

The fragment (`#token`) is never sent to the server by a browser, so the token reaches only
the page's own script, which verifies it against the JWKS.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.desk.codes import validate_lookup_key

if TYPE_CHECKING:
    import qrcode


class QrError(ValueError):
    """Raised when the receipt URL cannot be built or does not fit a QR code."""

    code = "qr_invalid"


def receipt_url(base_url: str, key: str, token: str) -> str:
    """The QR content. `base_url` is the public base URL without a trailing slash."""
    if not base_url.startswith(("https://", "http://")):
        raise QrError("base URL must be absolute")
    validate_lookup_key(key)
    return f"{base_url.rstrip('/')}/r/{key}#{token}"


@dataclass(frozen=True)
class ReceiptQr:
    """A rendered QR code."""

    data: str
    """The encoded text (the receipt URL)."""
    version: int
    """QR version reached (1..40); size = 17 + 4 * version modules."""
    png: bytes
    svg: bytes

    @property
    def modules(self) -> int:
        return 17 + 4 * self.version


def _qr(data: str, box_size: int) -> qrcode.QRCode:  # type: ignore[type-arg]
    # qrcode/PIL are imported here, not at module import: the web app starts faster
    import qrcode
    import qrcode.constants
    from qrcode.exceptions import DataOverflowError

    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=4
    )
    code.add_data(data)
    try:
        code.make(fit=True)
    except (DataOverflowError, ValueError) as exc:  # ValueError: > version 40
        raise QrError("data too long for a QR code") from exc
    return code


def qr_version(data: str) -> int:
    """QR version needed for `data` at error correction M."""
    return int(_qr(data, 1).version)


def render_qr(data: str, box_size: int = 6) -> ReceiptQr:
    """PNG (black on white, 4-module quiet zone) and SVG of the QR for `data`."""
    import qrcode.image.svg
    from qrcode.image.pil import PilImage

    code = _qr(data, box_size)
    png = io.BytesIO()
    code.make_image(image_factory=PilImage).save(png, format="PNG")
    svg = io.BytesIO()
    code.make_image(image_factory=qrcode.image.svg.SvgPathImage).save(svg)
    return ReceiptQr(data=data, version=int(code.version), png=png.getvalue(), svg=svg.getvalue())
