import random
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from clinics.demo import seed_clinics

POSTCODES = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "data"
    / "geonames-NO-postcodes.txt"
)


@pytest.fixture
def postcodes(db):
    call_command("import_postcodes", str(POSTCODES), stdout=StringIO())


@pytest.fixture
def demo_clinics(db):
    return seed_clinics(rng=random.Random(1))
