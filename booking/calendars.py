"""Practitioners' own calendars (issue 20): fetching an iCalendar URL safely, and
reading the busy times out of it.

Fetching (`calendar_fetch`): https (webcal is https) to public addresses only. The
host is resolved once and every address checked (private, loopback, link-local,
shared, reserved and IPv4-mapped IPv6 forms of them are refused); the connection
goes to the checked address itself, so a second DNS answer cannot point it
elsewhere, and TLS still checks the certificate for the host. Redirects are
followed (a few) only to URLs that pass the same checks. One deadline covers the
whole fetch, a slow drip too; the body is capped before and after gzip. ETag and
Last-Modified make the next fetch conditional. Tests may allow an address (and
plain http to it) in CALENDAR_FETCH_ALLOWED_ADDRESSES, which production leaves
empty.

Reading (`busy_intervals`): recurring events expanded in Europe/Oslo for the
window only: a rule that cannot end (INTERVAL=0, an unknown FREQ, several RRULEs)
or by the minute or second is refused outright, the occurrences looked at are
capped in number, and the reading runs in a forked process stopped at
CALENDAR_PARSE_SECONDS (the library can loop without handing back an event, where
no check inside could see it); busy means
opaque (TRANSP:TRANSPARENT is free) and not cancelled; all-day events are busy for
their Oslo days, floating times are Oslo times; events this site issued (UIDs
ending in @nemus) are our own bookings echoed back and ignored.

Errors are CalendarError with a short reason that never holds the URL (a secret).
"""

import contextlib
import datetime as dt
import http.client
import ipaddress
import multiprocessing
import socket
import ssl
import threading
import time
import zlib
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import icalendar
import recurring_ical_events
from django.conf import settings

from clinics.hours import OSLO

MAX_REDIRECTS = 3
CHUNK = 64 * 1024
OWN_UID_SUFFIX = "@nemus"
# Recurrences no practitioner's calendar has; each would be thousands of events.
TOO_FREQUENT = {"SECONDLY", "MINUTELY"}
FREQUENCIES = {"YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY"}


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


# --- Reading -------------------------------------------------------------------


def _instant(value, *, end: bool = False) -> dt.datetime:
    """An event's start or end as an aware datetime: a date is Oslo's midnight
    (an all-day event's end date is exclusive in iCalendar), a floating time is
    Oslo's time."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=OSLO)
    return dt.datetime.combine(value, dt.time(), tzinfo=OSLO)


def _bounds(event) -> tuple[dt.datetime, dt.datetime]:
    start_value = event.decoded("DTSTART")
    start = _instant(start_value)
    if "DTEND" in event:
        end = _instant(event.decoded("DTEND"), end=True)
    elif "DURATION" in event:
        end = start + event.decoded("DURATION")
    elif isinstance(start_value, dt.datetime):
        end = start  # an instant: it takes no time
    else:
        end = _instant(start_value + dt.timedelta(days=1))
    return start, end


def is_busy(event) -> bool:
    if str(event.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT":
        return False
    if str(event.get("STATUS", "CONFIRMED")).upper() == "CANCELLED":
        return False
    return not str(event.get("UID", "")).endswith(OWN_UID_SUFFIX)


def _check_rules(calendar) -> None:
    """Refuse a recurrence that cannot end or that no practitioner's calendar has,
    before anything expands it: several RRULEs on one event, an unknown FREQ, an
    INTERVAL under 1, or a rule by the minute or second."""
    for event in calendar.walk("VEVENT"):
        for name in ("RRULE", "EXRULE"):
            rules = event.get(name)
            if rules is None:
                continue
            if isinstance(rules, list):
                if len(rules) > 1:
                    raise CalendarError(f"more than one {name} in an event")
                rules = rules[0]
            if not isinstance(rules, icalendar.vRecur):
                raise CalendarError(_unreadable_rule(name, rules))
            frequencies = [str(f).upper() for f in rules.get("FREQ", [])]
            if len(frequencies) != 1:
                raise CalendarError(f"{name} without one FREQ")
            if frequencies[0] in TOO_FREQUENT or "BYSECOND" in rules:
                raise CalendarError("recurrence too frequent")
            if frequencies[0] not in FREQUENCIES:
                raise CalendarError(f"unknown recurrence FREQ={frequencies[0][:20]}")
            intervals = rules.get("INTERVAL", [1])
            if len(intervals) != 1 or not str(intervals[0]).isdigit():
                raise CalendarError(f"unreadable {name} INTERVAL")
            if int(intervals[0]) < 1:
                raise CalendarError(f"recurrence INTERVAL={intervals[0]} never ends")


def _unreadable_rule(name: str, rule) -> str:
    """Why a rule the library could not parse is refused: its FREQ, if that is
    what it did not know."""
    try:
        raw = rule.to_ical().decode("utf-8", "replace")
    except Exception:
        return f"unreadable {name}"
    parts = dict(part.split("=", 1) for part in raw.split(";") if "=" in part)
    frequency = parts.get("FREQ", "").upper()
    if frequency and frequency not in FREQUENCIES | TOO_FREQUENT:
        return f"unknown recurrence FREQ={frequency[:20]}"
    return f"unreadable {name}"


def _expand(data: bytes, start, end, cap: int, seconds: float):
    """The busy times (see busy_intervals), in this process; the soft checks of
    the cap and the time, which the library can only be asked between events."""
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError) as error:
        raise CalendarError("not a calendar") from error
    if getattr(calendar, "name", "") != "VCALENDAR":
        raise CalendarError("not a calendar")
    give_up = time.monotonic() + seconds
    intervals = []
    seen = 0
    try:
        _check_rules(calendar)
        for event in recurring_ical_events.of(calendar).after(start):
            seen += 1
            if seen > cap:
                raise CalendarError(f"more than {cap} events in the window")
            if time.monotonic() > give_up:
                raise CalendarError(_too_slow(seconds))
            first, last = _bounds(event)
            if first >= end:
                break
            if last <= start or last <= first or not is_busy(event):
                continue
            intervals.append((max(first, start), min(last, end)))
    except CalendarError:
        raise
    except Exception as error:  # a malformed rule or date deep in the library
        raise CalendarError(f"unreadable events ({type(error).__name__})") from error
    return merge(intervals)


def _too_slow(seconds: float) -> str:
    return f"took longer than the limit of {seconds:g} s to read"


def _expand_in_child(pipe, data, start, end, cap, seconds) -> None:
    try:
        pipe.send(("ok", _expand(data, start, end, cap, seconds)))
    except CalendarError as error:
        pipe.send(("error", error.reason))
    except Exception as error:  # never let the child die silently
        pipe.send(("error", f"unreadable events ({type(error).__name__})"))
    finally:
        pipe.close()


def busy_intervals(
    data: bytes, *, start: dt.datetime, end: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The busy times between start and end, merged and sorted; CalendarError for
    a calendar that cannot be read, would expand past the cap, or takes longer
    than CALENDAR_PARSE_SECONDS. The reading runs in a forked process stopped at
    that limit: a rule the checks let through can still make the library loop
    without ever handing back an event, and the sync (or a staff member's "Read
    now") must never hang on it."""
    seconds = settings.CALENDAR_PARSE_SECONDS
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_expand_in_child,
        args=(sender, data, start, end, settings.CALENDAR_MAX_OCCURRENCES, seconds),
        daemon=True,
    )
    child.start()
    sender.close()
    try:
        # A little over the limit (a quarter, at most a second): the child checks
        # it itself between events and says so; this is for a child that cannot.
        if not receiver.poll(seconds + min(1.0, seconds / 4)):
            raise CalendarError(_too_slow(seconds))
        try:
            outcome, value = receiver.recv()
        except EOFError as error:
            raise CalendarError("the reader stopped") from error
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
    if outcome != "ok":
        raise CalendarError(value)
    return value


def merge(intervals):
    """Overlapping or touching intervals joined, sorted."""
    merged: list[tuple[dt.datetime, dt.datetime]] = []
    for first, last in sorted(intervals):
        if merged and first <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


# --- Feeds out -------------------------------------------------------------------

# Every field an outgoing event may have (the feed test holds them to it).
FEED_EVENT_FIELDS = {"UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"}


def feed_ical(events: list[dict], *, name: str) -> bytes:
    """A private feed's calendar: per event its time, its kind and reference (in
    the summary), and nothing else."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//NEMUS//timebok//NO")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    for item in events:
        event = icalendar.Event()
        event.add("uid", item["uid"])
        event.add("dtstamp", stamp)
        event.add("dtstart", item["starts_at"].astimezone(dt.UTC))
        event.add("dtend", item["ends_at"].astimezone(dt.UTC))
        event.add("summary", item["summary"])
        calendar.add_component(event)
    return calendar.to_ical()
