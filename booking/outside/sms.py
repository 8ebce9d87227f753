"""SMS to patients: the text rules and the backends that send it.

Text: GSM-7 only (its alphabet has æ, ø, å, Æ, Ø, Å), so a message is 160 characters
a segment (153 when split), never 70 as in UCS-2. `sms_text` turns the few other
characters our templates and names produce (dashes, curly quotes, non-breaking
spaces) into their GSM-7 look-alikes and drops anything still outside it.

Backends (settings.SMS_BACKEND): `FileBackend` writes each message to a file in
SMS_FILE_PATH (the default, and the only one demo mode allows, like e-mail's);
`TwilioBackend` posts to Twilio's Messages API (publicly documented:
POST /2010-04-01/Accounts/{AccountSid}/Messages.json, form fields To, From, Body,
HTTP basic auth), at SMS_API_URL so tests can point it at a local fake.

A send ends in one of three ways, which the caller (booking.services) records:
sent (the provider's id), SmsRetry (nothing was accepted: refused connection, 429,
5xx; try again later), SmsRejected (the provider will never take it: 4xx), or
SmsUncertain (the request went out and no answer came: it may have been sent, so it
is never sent again automatically; the patient still has the e-mail).
Nothing here logs a number or a text.
"""

import base64
import json
import math
import socket
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

from django.conf import settings
from django.core import checks
from django.utils import timezone
from django.utils.module_loading import import_string

GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Two units each (an escape, then the character).
GSM7_EXTENSION = set("^{}\\[~]|€")
LOOK_ALIKES = {
    "–": "-",
    "—": "-",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "«": '"',
    "»": '"',
    "…": "...",
    "\u00a0": " ",
    "\u202f": " ",
    "\t": " ",
}


def sms_text(text: str) -> str:
    """The text in GSM-7: look-alikes for dashes and quotes, spaces collapsed,
    anything else outside the alphabet dropped."""
    out = []
    for char in text:
        char = LOOK_ALIKES.get(char, char)
        out.extend(c for c in char if c in GSM7_BASIC or c in GSM7_EXTENSION)
    return " ".join("".join(out).split(" ")).strip()


def sms_segments(text: str) -> int:
    """How many SMS the text costs in GSM-7: 160 units in one, 153 a part when
    split; an extension character is two units."""
    units = sum(2 if char in GSM7_EXTENSION else 1 for char in text)
    return 1 if units <= 160 else math.ceil(units / 153)


class SmsError(Exception):
    """Why a send did not end in "sent". `reason` is short and never personal."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason[:300]


class SmsRetry(SmsError):
    """Nothing was accepted; send again later."""


class SmsRejected(SmsError):
    """The provider refuses it for good (a number it cannot reach, a bad request)."""


class SmsUncertain(SmsError):
    """The request left and no answer came: it may have been sent."""


class FileBackend:
    """Each message a file in SMS_FILE_PATH, named by its key: sending one key
    twice writes one file."""

    def send(self, *, to: str, text: str, key: str) -> str:
        folder = Path(settings.SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{key}.txt"
        if not path.exists():
            stamp = timezone.now().isoformat(timespec="seconds")
            path.write_text(f"To: {to}\nDate: {stamp}\n\n{text}\n", encoding="utf-8")
        return f"file:{key}"


class MemoryBackend:
    """Kept in `MemoryBackend.outbox` (the test settings use it, like Django's
    locmem e-mail backend): [(to, text, key)]."""

    outbox: list = []

    def send(self, *, to: str, text: str, key: str) -> str:
        if not any(sent_key == key for _to, _text, sent_key in self.outbox):
            self.outbox.append((to, text, key))
        return f"memory:{key}"


class TwilioBackend:
    """Twilio's Messages API over HTTPS, with the standard library's urllib."""

    def send(self, *, to: str, text: str, key: str) -> str:
        account = settings.SMS_ACCOUNT
        url = (
            settings.SMS_API_URL.rstrip("/")
            + f"/2010-04-01/Accounts/{urllib.parse.quote(account)}/Messages.json"
        )
        body = urllib.parse.urlencode(
            {"To": to, "From": settings.SMS_FROM, "Body": text}
        ).encode()
        auth = base64.b64encode(f"{account}:{settings.SMS_TOKEN}".encode()).decode()
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={
                "Authorization": f"Basic {auth}",
                "Content-Type": "application/x-www-form-urlencoded",
                # Ours, for the provider's logs and a support case; not a promise
                # that it deduplicates.
                "X-Nemus-Message-Key": key,
            },
        )
        try:
            with urllib.request.urlopen(
                request, timeout=settings.SMS_TIMEOUT_SECONDS
            ) as response:
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            if error.code == 429 or error.code >= 500:
                raise SmsRetry(f"HTTP {error.code}") from error
            raise SmsRejected(f"HTTP {error.code}") from error
        except urllib.error.URLError as error:
            if isinstance(error.reason, ConnectionRefusedError | socket.gaierror):
                raise SmsRetry("connection refused") from error
            if isinstance(error.reason, TimeoutError):
                raise SmsUncertain("timed out") from error
            raise SmsUncertain(type(error.reason).__name__) from error
        except (TimeoutError, ConnectionResetError) as error:
            raise SmsUncertain("timed out") from error
        except ValueError as error:  # an answer that is not JSON
            raise SmsUncertain("unreadable answer") from error
        return str(answer.get("sid") or "")


def sms_backend_check(app_configs=None, **kwargs) -> list:
    """A system check (registered in BookingConfig.ready): SMS_BACKEND must name a
    backend that imports, so a wrong path (the backends were booking.sms.* before
    they moved here) stops `manage.py check` and the start, not the first SMS."""
    try:
        import_string(settings.SMS_BACKEND)
    except ImportError:
        return [
            checks.Error(
                f"SMS_BACKEND {settings.SMS_BACKEND!r} cannot be imported.",
                hint="The backends are booking.outside.sms.FileBackend, "
                "TwilioBackend and MemoryBackend (before: booking.sms.*).",
                id="booking.E001",
            )
        ]
    return []


def sms_backend():
    """The configured backend; demo mode always writes files."""
    path = settings.SMS_BACKEND
    if settings.DEMO_MODE:
        path = "booking.outside.sms.FileBackend"
    return import_string(path)()


def new_message_key() -> str:
    return uuid.uuid4().hex
