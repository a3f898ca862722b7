"""Where a district's report webhook may point: public addresses only, unless the
deployer allows this machine and private networks (``STATIONMAP_NOTIFY_LOCAL=1``).

A district administrator sets the webhook's URL, and the server posts to it. Any URL
made the server a client inside its own network: ``http://127.0.0.1:6379/`` (Redis on
the same host), ``http://169.254.169.254/`` (a cloud's instance metadata), ``http://10.…``
(the office's intranet), with the error of each attempt shown back on the dashboard. The
address is checked when the URL is saved and again, resolved afresh, before each post,
and the post connects to the very address that was checked (:func:`opener_for`): a name
that answers a public address to the check and 127.0.0.1 to the connection (DNS
rebinding) cannot reach inside (through a proxy the deployer set, the proxy resolves).
Redirects are not followed (a public URL could send the post on to an inside one).
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import urllib.request
from functools import partial
from typing import Any
from urllib.parse import urlsplit


def target_error(url: str, local_ok: bool) -> tuple[str, str] | None:
    """Why ``url`` may not receive the server's posts, in Chinese and English; ``None``
    when it may (or when its name does not resolve now: the post then fails and says
    so)."""
    return checked_target(url, local_ok)[1]


def checked_target(url: str, local_ok: bool) -> tuple[str | None, tuple[str, str] | None]:
    """The address a post to ``url`` connects to and why it may not be sent (Chinese,
    English): ``(address, None)`` when every address the name has now is public (the
    first of them); ``(None, None)`` when any address will do (``local_ok``) or the
    name does not resolve now; ``(None, why)`` when it may not be sent."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        return None, ("网址的主机或端口有误", "the url's host or port is malformed")
    if not host:
        return None, ("网址中没有主机名", "the url names no host")
    if local_ok:
        return None, None
    try:
        found = socket.getaddrinfo(host, port or 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return None, None
    addresses = [str(sockaddr[0]).split("%", 1)[0] for *_rest, sockaddr in found]
    for text in addresses:
        address = ipaddress.ip_address(text)
        if not address.is_global:
            return None, (
                f"网址指向本机或内部网络地址（{address}）：通知只能发往公网地址；"
                "确需发往内网的，请部署者设置 STATIONMAP_NOTIFY_LOCAL=1",
                f"the url points at this machine or an internal network ({address}): "
                "notifications go to public addresses only; a deployer who needs an "
                "internal one sets STATIONMAP_NOTIFY_LOCAL=1",
            )
    return (addresses[0] if addresses else None), None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect answers as the error it is, instead of being followed."""

    def redirect_request(self, *_args: Any, **_kwargs: Any) -> None:
        return None


OPENER = urllib.request.build_opener(_NoRedirect)


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to ``address``, whatever the URL's name resolves to now."""

    def __init__(self, host: str, *, address: str, **kwargs: Any) -> None:
        super().__init__(host, **kwargs)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """An HTTPS connection to ``address``, the certificate checked for the URL's name."""

    def __init__(self, host: str, *, address: str, context: ssl.SSLContext, **kwargs: Any) -> None:
        super().__init__(host, context=context, **kwargs)
        self.address = address
        self.tls = context

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)


class _PinnedHandler(urllib.request.HTTPHandler, urllib.request.HTTPSHandler):
    """Opens http and https URLs by connecting to one address."""

    def __init__(self, address: str) -> None:
        urllib.request.HTTPHandler.__init__(self)
        urllib.request.HTTPSHandler.__init__(self)
        self.address = address
        self.tls = ssl.create_default_context()  # the certificate and its name checked

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(partial(_PinnedHTTP, address=self.address), req)

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(partial(_PinnedHTTPS, address=self.address, context=self.tls), req)


def opener_for(address: str | None, url: str = "") -> urllib.request.OpenerDirector:
    """An opener that follows no redirect and, given the checked ``address``, connects
    to it alone; where the environment names a proxy for ``url`` (``https_proxy``, not
    bypassed by ``no_proxy``: a closed network's way out), the post goes through that
    proxy, which resolves the name itself."""
    scheme, host = urlsplit(url).scheme, urlsplit(url).hostname or ""
    proxied = scheme in urllib.request.getproxies() and not urllib.request.proxy_bypass(host)
    if address is None or proxied:
        return OPENER
    pinned = _PinnedHandler(address)
    return urllib.request.build_opener(urllib.request.ProxyHandler({}), pinned, _NoRedirect)
