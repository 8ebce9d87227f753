"""The calendar message a booking e-mail carries, read as a calendar program reads
it (icalendar)."""

import icalendar


def invitation(message):
    """(METHOD, the VEVENT, the attachment's MIME type) of an e-mail's calendar."""
    [(_name, content, mimetype)] = message.attachments
    calendar = icalendar.Calendar.from_ical(content)
    [event] = calendar.walk("VEVENT")
    return str(calendar["method"]), event, mimetype
