"""Where a district's report webhook may point: public addresses only, unless the
deployer allows this machine and private networks (``STATIONMAP_NOTIFY_LOCAL=1``).

A district administrator sets the webhook's URL, and the server posts to it. Any URL
made the server a client inside its own network: ``http://127.0.0.1:6379/`` (Redis on
the same host), ``http://169.254.169.254/`` (a cloud's instance metadata), ``http://10.…``
(the office's intranet), with the error of each attempt shown back on the dashboard. The
address is checked when the URL is saved and again, resolved afresh, before each post;
redirects are not followed (a public URL could send the post on to an inside one).
"""

from __future__ import annotations

import ipaddress
import socket
import urllib.request
from typing import Any
from urllib.parse import urlsplit


def target_error(url: str, local_ok: bool) -> tuple[str, str] | None:
    """Why ``url`` may not receive the server's posts, in Chinese and English; ``None``
    when it may (or when its name does not resolve now: the post then fails and says
    so)."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        return ("网址的主机或端口有误", "the url's host or port is malformed")
    if not host:
        return ("网址中没有主机名", "the url names no host")
    if local_ok:
        return None
    try:
        found = socket.getaddrinfo(host, port or 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return None
    for *_rest, sockaddr in found:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if not address.is_global:
            return (
                f"网址指向本机或内部网络地址（{address}）：通知只能发往公网地址；"
                "确需发往内网的，请部署者设置 STATIONMAP_NOTIFY_LOCAL=1",
                f"the url points at this machine or an internal network ({address}): "
                "notifications go to public addresses only; a deployer who needs an "
                "internal one sets STATIONMAP_NOTIFY_LOCAL=1",
            )
    return None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect answers as the error it is, instead of being followed."""

    def redirect_request(self, *_args: Any, **_kwargs: Any) -> None:
        return None


OPENER = urllib.request.build_opener(_NoRedirect)
