"""URL rules of "Hỗ trợ kích hoạt VNeID": intake, checklist, closing, guide card, figures.

The citizen's page behind the QR lives on a separate public blueprint with no personal data.
The handlers are in ``views.py``.
"""

from __future__ import annotations

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

from app.models.roles import Role
from app.navigation import NavItem
from app.routing import lazy_views
from app.security import public_blueprint

bp = Blueprint("activation", __name__, url_prefix="/kich-hoat")
public_bp = public_blueprint(Blueprint("activation_public", __name__, url_prefix="/vneid"))
view = lazy_views("app.activation.views")

NAV = [
    NavItem(
        "activation.index",
        _l("Kích hoạt VNeID"),
        _l("Hỗ trợ đăng ký, kích hoạt định danh điện tử"),
        Role.OFFICER,
        30,
    ),
    NavItem(
        "activation.figures",
        _l("Số liệu VNeID"),
        _l("Lượt hỗ trợ, tỷ lệ thành công, lỗi thường gặp"),
        Role.SUPERVISOR,
        60,
    ),
]


def init_app(app: Flask) -> None:
    app.register_blueprint(public_bp)


bp.add_url_rule("/", view_func=view("index"), methods=["GET", "POST"])
bp.add_url_rule("/kiem-tra", view_func=view("check"), methods=["POST"])
bp.add_url_rule("/ca", view_func=view("cases"))
bp.add_url_rule("/ca/<int:case_id>", view_func=view("case"))
bp.add_url_rule("/ca/<int:case_id>/buoc/<step_id>", view_func=view("step"), methods=["POST"])
bp.add_url_rule("/ca/<int:case_id>/ket-thuc", view_func=view("close"), methods=["POST"])
bp.add_url_rule("/ca/<int:case_id>/phieu", view_func=view("card"))
bp.add_url_rule("/thong-ke", view_func=view("figures"))
bp.add_url_rule("/thong-ke.csv", view_func=view("figures_export"))
bp.add_url_rule("/thong-ke/ca.csv", view_func=view("cases_export"))

public_bp.add_url_rule("/<key>", view_func=view("guide"))
