"""The signed links patients get: to their booking (change, cancel) and to their
waiting-list entry. A link names its row by id and by the row's random key, and is
signed with the time it was made. A link fits its row only when the key matches
and it was not made before the row: a restored backup hands the ids of bookings
made after it to new bookings, and their old links must never open those."""

from dataclasses import dataclass

from django.core import signing
from django.utils.crypto import constant_time_compare

CANCEL_SALT = "booking.cancel"
WAITLIST_SALT = "booking.waitlist"
# Links and rows are stamped by different processes (a scheduler sends the
# reminder): this much clock difference between them is allowed.
CLOCK_SKEW_SECONDS = 2


@dataclass(frozen=True)
class SignedLink:
    """What a link says: the row's id and key ("" in links made before rows had
    keys), when it was signed, and (waiting list) whether it went to the contact."""

    row_id: int
    key: str
    signed_at: float
    proof: bool = False

    def fits(self, row) -> bool:
        """Whether this link was made for `row` (not for an earlier row that had
        its id before a restore)."""
        if row is None or row.pk != self.row_id:
            return False
        if self.key and not constant_time_compare(self.key, row.key):
            return False
        made = row.created_at.timestamp()
        return self.signed_at + CLOCK_SKEW_SECONDS >= made


def _read(token: str, salt: str, id_field: str) -> SignedLink | None:
    signer = signing.TimestampSigner(salt=salt)
    try:
        data = signer.unsign_object(token)
        # The same check again, keeping the time stamp unsign_object drops.
        _value, stamp = signing.Signer.unsign(signer, token).rsplit(signer.sep, 1)
        signed_at = signing.b62_decode(stamp)
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get(id_field), int):
        return None
    key = data.get("key", "")
    return SignedLink(
        row_id=data[id_field],
        key=key if isinstance(key, str) else "",
        signed_at=float(signed_at),
        proof=bool(data.get("proof")),
    )


def cancel_token(booking) -> str:
    return signing.dumps(
        {"booking": booking.pk, "key": booking.key}, salt=CANCEL_SALT, compress=True
    )


def booking_link(token: str) -> SignedLink | None:
    """What a booking's link says, or None when it is forged or broken."""
    return _read(token, CANCEL_SALT, "booking")


def waitlist_token(entry, *, proof: bool) -> str:
    """The signed link to a waiting-list entry's page. `proof` marks a link that
    went to the entry's contact (an e-mail, an SMS): it may confirm an e-mail
    entry; the one shown after signing up may not."""
    return signing.dumps(
        {"entry": entry.pk, "key": entry.key, "proof": int(proof)},
        salt=WAITLIST_SALT,
        compress=True,
    )


def waitlist_link(token: str) -> SignedLink | None:
    """What a waiting-list link says, or None when it is forged or broken."""
    return _read(token, WAITLIST_SALT, "entry")
