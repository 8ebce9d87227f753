"""Fetching a practitioner's calendar (issue 20) safely: `calendar_fetch`.

https (webcal is https) to public addresses only. The host is resolved once and
every address checked (private, loopback, link-local, shared, reserved and
IPv4-mapped IPv6 forms of them are refused); the connection goes to the checked
address itself, so a second DNS answer cannot point it elsewhere, and TLS still
checks the certificate for the host. Redirects are followed (a few) only to URLs
that pass the same checks. One deadline covers the whole fetch, a slow drip too;
the body is capped before and after gzip. ETag and Last-Modified make the next
fetch conditional. Tests may allow an address (and plain http to it) in
CALENDAR_FETCH_ALLOWED_ADDRESSES, which production leaves empty.

Errors are CalendarError with a short reason that never holds the URL (a secret).
"""

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
import zlib
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings

MAX_REDIRECTS = 3
CHUNK = 64 * 1024


class CalendarError(Exception):
    """Why a calendar could not be read; short, and never the URL."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason[:200]


@dataclass
class Fetched:
    body: bytes | None  # None: not modified since the last fetch
    etag: str = ""
    last_modified: str = ""


def normalise_calendar_url(url: str) -> str:
    """The URL to fetch: webcal:// is https://; anything but https refused (http
    only to an address tests allow)."""
    url = url.strip()
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "webcal":
        url = "https" + url[len(parts.scheme) :]
        scheme = "https"
    if scheme not in ("https", "http") or not parts.hostname:
        raise CalendarError("not an https address")
    if scheme == "http" and parts.hostname not in allowed_addresses():
        raise CalendarError("not an https address")
    return url


def allowed_addresses() -> set[str]:
    return set(settings.CALENDAR_FETCH_ALLOWED_ADDRESSES)


# IPv6 ranges that reach IPv4 hosts or private sites behind a public-looking
# address: NAT64 (well-known and local-use prefixes), IPv4-compatible (deprecated)
# and site-local (deprecated, still routed inside some networks).
REFUSED_V6 = [
    ipaddress.ip_network("64:ff9b::/96"),
    ipaddress.ip_network("64:ff9b:1::/48"),
    ipaddress.ip_network("::/96"),
    ipaddress.ip_network("fec0::/10"),
]


def public_address(address: str) -> bool:
    """Whether an IP address is one we may connect to."""
    if address in allowed_addresses():
        return True
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if any(ip in network for network in REFUSED_V6):
            return False
        mapped = ip.ipv4_mapped or ip.sixtofour
        if mapped is not None:
            ip = mapped
    return ip.is_global and not ip.is_multicast


def _connect(host: str, port: int, scheme: str, deadline: float) -> socket.socket:
    """A socket to a checked address of `host` (TLS for https, checking the
    certificate for `host`)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as error:
        raise CalendarError("host not found") from error
    addresses = [info[4][0] for info in infos]
    if not addresses or not all(public_address(a) for a in addresses):
        raise CalendarError("address not allowed")
    family, _type, _proto, _name, sockaddr = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.settimeout(_remaining(deadline))
    try:
        sock.connect(sockaddr)
        if scheme == "https":
            context = ssl.create_default_context()
            sock = context.wrap_socket(sock, server_hostname=host)
    except (OSError, ssl.SSLError) as error:
        sock.close()
        raise CalendarError(
            _timed_out() if isinstance(error, TimeoutError) else "connection failed"
        ) from error
    return sock


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise CalendarError(_timed_out())
    return left


@contextlib.contextmanager
def _watchdog(sock: socket.socket, deadline: float):
    """Shut the socket at the deadline, whatever it is waiting for: a socket
    timeout covers one wait only, and a server sending its headers a byte a
    second never lets one run out."""
    fired = threading.Event()

    def shut():
        fired.set()
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)

    timer = threading.Timer(max(0.0, deadline - time.monotonic()), shut)
    timer.daemon = True
    timer.start()
    try:
        yield fired
    finally:
        timer.cancel()


def _read_body(response, sock, deadline: float, gzipped: bool) -> bytes:
    """The body, within the deadline and the caps (raw and unpacked)."""
    raw_cap = settings.CALENDAR_MAX_BYTES
    cap = settings.CALENDAR_MAX_UNPACKED_BYTES
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS) if gzipped else None
    raw = 0
    out = bytearray()
    while True:
        sock.settimeout(_remaining(deadline))
        try:
            chunk = (
                response.read1(CHUNK)
                if hasattr(response, "read1")
                else (response.read(CHUNK))
            )
        except TimeoutError as error:
            raise CalendarError(_timed_out()) from error
        except (OSError, http.client.HTTPException) as error:
            raise CalendarError("connection failed") from error
        if not chunk:
            break
        raw += len(chunk)
        if raw > raw_cap:
            raise CalendarError("too large")
        if inflater is None:
            out += chunk
        else:
            try:
                out += inflater.decompress(chunk, cap + 1 - len(out))
            except zlib.error as error:
                raise CalendarError("bad compression") from error
            if inflater.unconsumed_tail:
                raise CalendarError("too large when unpacked")
        if len(out) > cap:
            raise CalendarError("too large when unpacked")
        _remaining(deadline)
    return bytes(out)


def calendar_fetch(url: str, *, etag: str = "", last_modified: str = "") -> Fetched:
    """Fetch a calendar URL under the rules above; CalendarError when it cannot."""
    deadline = time.monotonic() + settings.CALENDAR_DEADLINE_SECONDS
    url = normalise_calendar_url(url)
    for _hop in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        scheme = parts.scheme
        host = parts.hostname or ""
        port = parts.port or (443 if scheme == "https" else 80)
        sock = _connect(host, port, scheme, deadline)
        connection = http.client.HTTPConnection(host, port)
        connection.sock = sock
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        headers = {
            "User-Agent": "NEMUS calendar sync",
            "Accept": "text/calendar, */*;q=0.5",
            "Accept-Encoding": "gzip",
        }
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        with _watchdog(sock, deadline) as expired:
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                fetched = _answer(response, sock, deadline, etag, last_modified)
            except _Redirect as redirect:
                url = normalise_calendar_url(urljoin(url, redirect.location))
                continue
            except (CalendarError, OSError, http.client.HTTPException) as error:
                # Once the watchdog has shut the socket, the deadline broke it.
                if expired.is_set() or isinstance(error, TimeoutError):
                    raise CalendarError(_timed_out()) from error
                if isinstance(error, CalendarError):
                    raise
                raise CalendarError("connection failed") from error
            finally:
                connection.close()
            if expired.is_set():  # cut off at the deadline: not the whole body
                raise CalendarError(_timed_out())
            return fetched
    raise CalendarError("too many redirects")


def _timed_out() -> str:
    return f"timed out (the limit is {settings.CALENDAR_DEADLINE_SECONDS:g} s)"


class _Redirect(Exception):
    def __init__(self, location: str):
        self.location = location


def _answer(response, sock, deadline, etag, last_modified) -> Fetched:
    """What one response gives: a body, not modified, or a redirect (_Redirect)."""
    if response.status in (301, 302, 303, 307, 308):
        location = response.getheader("Location", "")
        if not location:
            raise CalendarError(f"HTTP {response.status} without a target")
        raise _Redirect(location)
    if response.status == 304:
        return Fetched(body=None, etag=etag, last_modified=last_modified)
    if response.status != 200:
        raise CalendarError(f"HTTP {response.status}")
    gzipped = (response.getheader("Content-Encoding") or "").lower() == "gzip"
    body = _read_body(response, sock, deadline, gzipped)
    return Fetched(
        body=body,
        etag=(response.getheader("ETag") or "")[:200],
        last_modified=(response.getheader("Last-Modified") or "")[:100],
    )
