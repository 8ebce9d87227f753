import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import (
    AppointmentTypeFactory,
    ClinicFactory,
    PractitionerFactory,
    SlotFactory,
)


@pytest.fixture
def clinic(db):
    return ClinicFactory(name="NEMUS Testby", slug="nemus-testby", phone="22 00 00 99")


@pytest.fixture
def practitioner(clinic):
    return PractitionerFactory(clinic=clinic, name="Kari Rygg")


@pytest.fixture
def follow_up(db):
    return AppointmentTypeFactory()


@pytest.fixture
def slot(practitioner):
    start = (timezone.now() + dt.timedelta(days=3)).replace(
        minute=0, second=0, microsecond=0
    )
    return SlotFactory(practitioner=practitioner, starts_at=start)


PATIENT = {
    "name": "Test Testesen",
    "phone": "912 34 567",
    "email": "test@example.invalid",
    "is_new_patient": True,
    "privacy_notice_read": True,
}
