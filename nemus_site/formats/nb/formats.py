# Norwegian dates and times as patients read them (Språkrådet): "mandag 30. november
# kl. 08.30". Django's own nb formats fill in the rest. Custom names (DAY_FORMAT,
# SLOT_FORMAT, ...) are used with `date_format(value, "SLOT_FORMAT")` or `|date:`.
DATE_FORMAT = "j. F Y"
TIME_FORMAT = "H.i"
DATETIME_FORMAT = r"j. F Y \k\l. H.i"
SHORT_DATE_FORMAT = "d.m.Y"
# "mandag 30. november"
DAY_FORMAT = "l j. F"
# "30. november", for ranges: "30. november–6. desember"
DAY_MONTH_FORMAT = "j. F"
# "mandag 30. november kl. 08.30"
SLOT_FORMAT = r"l j. F \k\l. H.i"
# "29. nov", in the strip of days
SHORT_DAY_MONTH_FORMAT = "j. b"
# "man 30. nov", a day on a small button
SHORT_DAY_FORMAT = "D j. b"
# "ons 2.", a day's column in the appointment book's week
BOOK_DAY_FORMAT = "D j."
# "30.", the day under its weekday in the strip of days
DAY_NUMBER_FORMAT = "j."
