"""One practitioner is never in two places, held by the database where it can.

On PostgreSQL two exclusion constraints (btree_gist) refuse a practitioner's
overlapping slots (not withdrawn) and overlapping active bookings. Elsewhere the
services and forms hold the rule alone. The migration refuses to run while overlaps
exist: list them with `python manage.py list_overlaps` and fix them in the admin.
btree_gist is a trusted extension (PostgreSQL 13+): the database's owner may add it.
"""

from django.db import migrations

ACTIVE = "('confirmed', 'attended')"
SLOT_OVERLAPS = """
SELECT count(*) FROM booking_slot a JOIN booking_slot b
  ON a.practitioner_id = b.practitioner_id AND a.id < b.id
 AND NOT a.is_withdrawn AND NOT b.is_withdrawn
 AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at
"""
BOOKING_OVERLAPS = f"""
SELECT count(*) FROM booking_booking a JOIN booking_booking b
  ON a.practitioner_id = b.practitioner_id AND a.id < b.id
 AND a.status IN {ACTIVE} AND b.status IN {ACTIVE}
 AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at
"""
CONSTRAINTS = [
    (
        "booking_slot",
        "slot_practitioner_no_overlap",
        "(NOT is_withdrawn)",
    ),
    (
        "booking_booking",
        "booking_practitioner_no_overlap",
        f"(status IN {ACTIVE})",
    ),
]



def add_exclusion_constraints(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(SLOT_OVERLAPS)
        slots = cursor.fetchone()[0]
        cursor.execute(BOOKING_OVERLAPS)
        bookings = cursor.fetchone()[0]
    if slots or bookings:
        raise RuntimeError(
            f"{slots} pair(s) of overlapping slots and {bookings} pair(s) of "
            "overlapping active bookings of one practitioner exist. List them with "
            "`python manage.py list_overlaps`, fix them in the admin (withdraw a "
            "slot, move or cancel a booking), then migrate again."
        )
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    for table, name, condition in CONSTRAINTS:
        schema_editor.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {name} EXCLUDE USING gist "
            f"(practitioner_id WITH =, tstzrange(starts_at, ends_at) WITH &&) "
            f"WHERE {condition}"
        )


def drop_exclusion_constraints(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, name, _condition in CONSTRAINTS:
        schema_editor.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}")



class Migration(migrations.Migration):
    dependencies = [("booking", "0004_one_practitioner_one_place")]

    operations = [
        migrations.RunPython(add_exclusion_constraints, drop_exclusion_constraints),
    ]
