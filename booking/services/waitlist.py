"""The waiting list: joining, confirming, offers when times open, and their SMS."""

import datetime as dt
import logging
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from booking.models import (
    ClinicBookingPolicy,
    Slot,
    WaitlistEntry,
    WaitlistMessage,
    WaitlistOffer,
    WaitlistOpening,
)
from booking.outside.emails import (
    send_waitlist_email,
    waitlist_sms_body,
)
from booking.outside.sms import (
    SmsRetry,
    new_message_key,
    sms_backend,
    sms_segments,
)
from booking.services.errors import WaitlistError
from booking.services.outbox import outbox_due, send_claimed, tally
from booking.services.patients import normalise_mobile
from booking.services.waitlist_match import waitlist_choices_check, waitlist_matching
from clinics.hours import OSLO
from nemus_site.ratelimit import rate_limit_hit, rate_limit_key

logger = logging.getLogger(__name__)


# Wrong SMS codes an entry may be tried with before it must sign up again.
WAITLIST_CODE_ATTEMPTS = 5


def normalise_norwegian_mobile(raw: str) -> str:
    """A mobile number SMS can reach: Norwegian (+47), in E.164."""
    number = normalise_mobile(raw)
    if not number.startswith("+47"):
        raise ValidationError(
            _(
                "SMS goes only to Norwegian mobile numbers. Choose e-mail instead, "
                "or give a Norwegian number."
            )
        )
    return number


def mailbox(address: str) -> str:
    """The mailbox an address reaches, for counting sign-ups: "victim"@x,
    Victim+1@X and victim@x are one (quotes, a +tag and case folded). Mail still
    goes to the address as typed."""
    local, _at, domain = address.strip().rpartition("@")
    local = local.strip('"').split("+", 1)[0].lower()
    return f"{local}@{domain.lower()}"


def waitlist_code(entry: WaitlistEntry) -> str:
    """The entry's SMS code: six digits derived with the secret key from the entry
    and when its code was sent, so it is never stored and a retried SMS carries
    the same one."""
    assert entry.code_sent_at is not None
    stamp = entry.code_sent_at.isoformat()
    digest = salted_hmac("booking.waitlist.code", f"{entry.pk}:{stamp}").hexdigest()
    return f"{int(digest, 16) % 1_000_000:06d}"


def _queue_waitlist_message(entry, kind, offer=None) -> WaitlistMessage:
    return WaitlistMessage.objects.create(
        entry=entry, kind=kind, offer=offer, key=new_message_key()
    )


def waitlist_join(
    *,
    clinic,
    latest_date: dt.date,
    channel: str,
    phone: str = "",
    email: str = "",
    practitioner=None,
    profession: str = "",
    appointment_type=None,
    time_of_day: str = "",
    now=None,
) -> WaitlistEntry:
    """Put a patient on a clinic's waiting list, unconfirmed: an SMS code or an
    e-mail link goes to the contact given, and the entry counts once it is
    confirmed. Sign-ups per number or address are limited a day (a WaitlistError
    then, and nothing is sent)."""
    now = now or timezone.now()
    if channel == WaitlistEntry.Channel.SMS:
        phone, email = normalise_norwegian_mobile(phone), ""
    else:
        phone, email = "", email.strip()
    waitlist_choices_check(
        clinic=clinic,
        practitioner=practitioner,
        profession=profession,
        appointment_type=appointment_type,
        time_of_day=time_of_day,
    )
    today = timezone.localtime(now, OSLO).date()
    _first, last = ClinicBookingPolicy.for_clinic(clinic).window_days(now)
    if not today <= latest_date <= last:
        raise WaitlistError(
            _("Choose a last day between today and %(last)s.")
            % {"last": formats.date_format(last, "SHORT_DAY_MONTH_FORMAT")},
            field="latest_date",
        )
    if rate_limit_hit(
        key=rate_limit_key("waitlist-contact", phone or mailbox(email)),
        limit=settings.WAITLIST_SIGNUPS_PER_CONTACT,
        window=dt.timedelta(days=1),
        now=now,
    ):
        raise WaitlistError(
            _(
                "This number or address has signed up too often today. Try again "
                "tomorrow, or call the clinic."
            )
        )
    with transaction.atomic():
        entry = WaitlistEntry.objects.create(
            clinic=clinic,
            practitioner=practitioner,
            profession=profession,
            appointment_type=appointment_type,
            time_of_day=time_of_day,
            latest_date=latest_date,
            channel=channel,
            phone=phone,
            email=email,
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )
        if channel == WaitlistEntry.Channel.SMS:
            entry.code_sent_at = now
            entry.save(update_fields=["code_sent_at"])
            message = _queue_waitlist_message(entry, WaitlistMessage.Kind.CODE)
        else:
            message = _queue_waitlist_message(entry, WaitlistMessage.Kind.CONFIRM_LINK)
        transaction.on_commit(lambda: waitlist_messages_send([message]))
    logger.info("waitlist joined: entry=%s clinic=%s", entry.pk, clinic.pk)
    return entry


def waitlist_confirm(*, entry_id: int, code: str | None = None, now=None):
    """Confirm an entry: by the SMS code (`code`), or, for an e-mail entry, by the
    link the e-mail carried (no code). A wrong code counts; after five, or once
    the code has expired, the patient signs up again. Returns the entry."""
    now = now or timezone.now()
    refusal = None
    with transaction.atomic():
        entry = WaitlistEntry.objects.select_for_update().filter(pk=entry_id).first()
        if entry is None:
            raise WaitlistError(_("You are no longer on this waiting list."))
        if entry.confirmed_at is not None:
            return entry
        if entry.channel == WaitlistEntry.Channel.SMS:
            expired = entry.code_sent_at is None or now - entry.code_sent_at > (
                dt.timedelta(minutes=settings.WAITLIST_CODE_MINUTES)
            )
            if expired or entry.code_attempts >= WAITLIST_CODE_ATTEMPTS:
                raise WaitlistError(
                    _("The code no longer works. Sign up again for a new one.")
                )
            given = "".join((code or "").split())
            if not constant_time_compare(given, waitlist_code(entry)):
                entry.code_attempts += 1
                entry.save(update_fields=["code_attempts"])
                refusal = _(
                    "That is not the code we sent. Check the SMS and try again."
                )
        if refusal is None:
            entry.confirmed_at = now
            entry.save(update_fields=["confirmed_at"])
    if refusal is not None:
        raise WaitlistError(refusal, field="code")
    logger.info("waitlist confirmed: entry=%s", entry.pk)
    return entry


def waitlist_remove(*, entry_id: int) -> bool:
    """Take an entry off the waiting list (from any message's link, or by staff):
    it is deleted with its offers and messages. False when it was gone already."""
    deleted, _by_model = WaitlistEntry.objects.filter(pk=entry_id).delete()
    if deleted:
        logger.info("waitlist removed: entry=%s", entry_id)
    return bool(deleted)


def waitlist_slots_opened(slot_ids) -> int:
    """Note times that became bookable online (a cancellation, a move away, a
    reopened or new time) at clinics whose waiting list has anyone for them; the
    offers follow after the commit, or after the quiet hours. Call it inside the
    transaction that opened them."""
    slot_ids = list(slot_ids)
    if not slot_ids:
        return 0
    waiting = WaitlistEntry.objects.filter(confirmed_at__isnull=False).values(
        "clinic_id"
    )
    slots = Slot.objects.filter(pk__in=slot_ids, clinic_id__in=waiting)
    openings = WaitlistOpening.objects.bulk_create(
        WaitlistOpening(slot_id=pk) for pk in slots.values_list("pk", flat=True)
    )
    if openings:
        transaction.on_commit(waitlist_offers_make)
    return len(openings)


def waitlist_quiet(now) -> bool:
    """Whether `now` is in the hours no offer is sent (Oslo time)."""
    hour = timezone.localtime(now, OSLO).hour
    start, end = settings.WAITLIST_QUIET_FROM, settings.WAITLIST_QUIET_UNTIL
    return (hour >= start or hour < end) if start > end else start <= hour < end


def _offer_slot(slot: Slot, *, now, offered: set) -> list[WaitlistMessage]:
    """Offer one opened time to the first matching entries (in the order they
    were confirmed) not offered it before and not offered another in this run."""
    policy = ClinicBookingPolicy.for_clinic(slot.clinic)
    if not Slot.objects.filter(pk=slot.pk).bookable_online(policy=policy, now=now):
        return []  # taken again, inside the minimum notice, withdrawn or past
    day = timezone.localtime(slot.starts_at, OSLO).date()
    entries = (
        WaitlistEntry.objects.filter(
            clinic_id=slot.clinic_id,
            confirmed_at__isnull=False,
            latest_date__gte=day,
        )
        .filter(waitlist_matching(slot))
        .exclude(offers__slot=slot)
        .exclude(pk__in=offered)
        .order_by("confirmed_at", "pk")[: settings.WAITLIST_OFFERS_PER_TIME]
    )
    messages = []
    for entry in entries:
        offer = WaitlistOffer.objects.create(entry=entry, slot=slot)
        messages.append(
            _queue_waitlist_message(entry, WaitlistMessage.Kind.OFFER, offer)
        )
        offered.add(entry.pk)
    return messages


def waitlist_offers_make(*, now=None) -> int:
    """Offer each opened time not yet handled to the waiting list, unless it is
    the quiet hours (then they wait for the next run after them). Each opening is
    handled once, even with two runs at once. Returns how many offers were made."""
    now = now or timezone.now()
    if waitlist_quiet(now):
        return 0
    offered: set[int] = set()
    made = 0
    pending = WaitlistOpening.objects.filter(handled_at__isnull=True).order_by(
        "opened_at", "pk"
    )
    for opening in pending.select_related(
        "slot__clinic__booking_policy", "slot__practitioner"
    ):
        with transaction.atomic():
            claimed = WaitlistOpening.objects.filter(
                pk=opening.pk, handled_at__isnull=True
            ).update(handled_at=now)
            if not claimed:
                continue
            messages = _offer_slot(opening.slot, now=now, offered=offered)
            if messages:
                transaction.on_commit(partial(waitlist_messages_send, messages))
        made += len(messages)
    if made:
        logger.info("waitlist offers made: %s", made)
    return made


def _deliver_waitlist_message(record: WaitlistMessage) -> str:
    entry = record.entry
    if entry.channel == WaitlistEntry.Channel.SMS:
        code = waitlist_code(entry) if record.kind == WaitlistMessage.Kind.CODE else ""
        text = waitlist_sms_body(record, code=code)
        record.segments = sms_segments(text)
        return sms_backend().send(to=entry.phone, text=text, key=record.key)
    try:
        send_waitlist_email(record)
    except Exception as error:  # nothing was accepted: try again later
        raise SmsRetry(type(error).__name__) from error
    return ""


def waitlist_messages_send(records=None, *, now=None) -> tuple[int, int]:
    """Send waiting-list messages (the given ones, or every one still to send),
    each at most once. An offer whose time has gone meanwhile is not sent, nor a
    code that has expired; offers are not sent in the quiet hours (a retry waits
    for the morning). Returns (sent, not sent)."""
    now = now or timezone.now()
    if records is None:
        records = outbox_due(WaitlistMessage, now).select_related(
            "entry__clinic", "offer__slot__practitioner"
        )
    quiet = waitlist_quiet(now)
    return tally(
        send_claimed(record, now, _deliver_waitlist_message)
        for record in records
        # An offer waits out the quiet hours, a retry too; a code never waits.
        if not (quiet and record.kind == WaitlistMessage.Kind.OFFER)
        and not _waitlist_message_stale(record, now)
    )


def _waitlist_message_stale(record: WaitlistMessage, now) -> bool:
    """An offer of a time no longer bookable online, or a code past its minutes:
    not worth sending; given up so it is not looked at again."""
    stale = False
    if record.kind == WaitlistMessage.Kind.OFFER and record.offer is not None:
        slot = record.offer.slot
        policy = ClinicBookingPolicy.for_clinic(record.entry.clinic)
        stale = not Slot.objects.filter(pk=slot.pk).bookable_online(
            policy=policy, now=now
        )
    elif record.kind == WaitlistMessage.Kind.CODE:
        sent = record.entry.code_sent_at
        stale = sent is None or now - sent > dt.timedelta(
            minutes=settings.WAITLIST_CODE_MINUTES
        )
    if stale:
        WaitlistMessage.objects.filter(pk=record.pk).update(
            given_up=True, last_error="stale"
        )
    return stale


def waitlist_purge(*, now=None) -> int:
    """Delete entries past their last day, entries never confirmed in
    WAITLIST_UNCONFIRMED_HOURS, and openings handled a day ago."""
    now = now or timezone.now()
    today = timezone.localtime(now, OSLO).date()
    unconfirmed = now - dt.timedelta(hours=settings.WAITLIST_UNCONFIRMED_HOURS)
    _deleted, by_model = WaitlistEntry.objects.filter(
        Q(latest_date__lt=today)
        | Q(confirmed_at__isnull=True, created_at__lt=unconfirmed)
    ).delete()
    WaitlistOpening.objects.filter(handled_at__lt=now - dt.timedelta(days=1)).delete()
    return by_model.get("booking.WaitlistEntry", 0)
