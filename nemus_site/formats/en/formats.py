# British English dates and times: "Monday 30 November at 08:30", 24-hour clock as
# Norway's clinics keep it. Django's own en formats fill in the rest.
DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = r"j F Y, H:i"
SHORT_DATE_FORMAT = "d/m/Y"
# "Monday 30 November"
DAY_FORMAT = "l j F"
# "30 November", for ranges: "30 November–6 December"
DAY_MONTH_FORMAT = "j F"
# "Monday 30 November at 08:30"
SLOT_FORMAT = r"l j F \a\t H:i"
# "29 Nov", in the strip of days
SHORT_DAY_MONTH_FORMAT = "j M"
# "Mon 30 Nov", a day on a small button
SHORT_DAY_FORMAT = "D j M"
# "Wed 2", a day's column in the appointment book's week
BOOK_DAY_FORMAT = "D j"
# "30", the day under its weekday in the strip of days
DAY_NUMBER_FORMAT = "j"
