"""API tokens: list, create and revoke the signed-in user's own."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for

from stationmap.services import tokens as token_service
from stationmap.web.admin import bp
from stationmap.web.admin.common import _db, _me
from stationmap.web.i18n import tr


@bp.get("/tokens")
def token_list() -> str:
    with _db().session() as session:
        rows = token_service.list_tokens(session, _me().user_id)
    return render_template("admin/tokens.html", tokens=rows, new_token=None)


@bp.post("/tokens")
def create_token() -> str:
    name = request.form.get("name", "")[:100]
    with _db().write_session() as session:
        new = token_service.create_token(session, _me().user_id, name)
        rows = token_service.list_tokens(session, _me().user_id)
    return render_template("admin/tokens.html", tokens=rows, new_token=new)


@bp.post("/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int) -> Any:
    with _db().write_session() as session:
        if not token_service.revoke_token(session, _me().user_id, token_id):
            abort(
                404,
                tr(
                    "没有这个令牌，或它不属于您的账户：请回到令牌列表。",
                    "No such token among yours: go back to the token list.",
                ),
            )
    flash(tr("令牌已撤销", "Token revoked"))
    return redirect(url_for("admin.token_list"), 303)
