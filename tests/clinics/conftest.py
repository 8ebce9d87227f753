import random
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from clinics.demo import seed_clinics

# A few dozen rows of GeoNames' file (CC BY 4.0; tests/data/README.md).
POSTCODES = Path(__file__).resolve().parents[1] / "data" / "geonames-NO-sample.txt"
POSTCODE_ROWS = 21


@pytest.fixture
def postcodes(db):
    call_command("import_postcodes", str(POSTCODES), stdout=StringIO())


@pytest.fixture
def demo_clinics(db):
    return seed_clinics(rng=random.Random(1))
