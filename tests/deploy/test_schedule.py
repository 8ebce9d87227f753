"""The schedule lives in one file, deploy/schedule.cron: compose's scheduler runs
exactly it (one replica, APScheduler through manage.py run_schedule), the operations
guide quotes it, and every command it names exists and runs (issue 28)."""

import re
import threading

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.db import connection

from nemus_site.schedule import (
    SCHEDULE_FILE,
    ScheduleError,
    read_schedule,
    single_instance,
)
from tests.conftest import ROOT

pytestmark = pytest.mark.django_db

OPERATIONS = (ROOT / "docs" / "operations.md").read_text()


def cron_blocks(text: str) -> list[str]:
    return re.findall(r"```cron\n(.*?)```", text, flags=re.S)


def test_the_file_holds_every_scheduled_command_the_guide_lists():
    jobs = read_schedule()
    assert {job.command for job in jobs} == {
        "generate_slots",
        "send_booking_emails",
        "sync_calendars",
        "purge_bookings",
        "import_postcodes",
    }
    listed = set()
    for doc in [*(ROOT / "docs").glob("*.md"), ROOT / "README.md"]:
        for block in cron_blocks(doc.read_text()):
            for line in block.splitlines():
                if line.strip() and not line.startswith("#"):
                    words = line.split()
                    after = (
                        words[words.index("manage.py") + 1 :]
                        if ("manage.py" in words)
                        else words[5:]
                    )
                    listed.add(after[0])
    assert listed and listed <= {job.command for job in jobs}
    # The guide quotes the file whole, so the two cannot drift apart.
    assert SCHEDULE_FILE.read_text() in cron_blocks(OPERATIONS)


def test_compose_runs_exactly_that_file_in_one_instance():
    service = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"][
        "scheduler"
    ]
    assert service["command"] == [
        "python",
        "manage.py",
        "run_schedule",
        "deploy/schedule.cron",
    ]
    assert service["deploy"]["replicas"] == 1
    assert "scale" not in service
    # No other service runs scheduled commands of its own.
    everything = (ROOT / "compose.yaml").read_text()
    for job in read_schedule():
        assert job.command not in everything


def test_a_bad_line_refuses_the_whole_file(tmp_path):
    bad = tmp_path / "bad.cron"
    bad.write_text("*/10 * * * * send_booking_emails\n61 * * * * purge_bookings\n")
    with pytest.raises(ScheduleError, match="line 2"):
        read_schedule(bad)
    bad.write_text("*/10 * * * * send_booking_email\n")
    with pytest.raises(ScheduleError, match="no command 'send_booking_email'"):
        read_schedule(bad)
    with pytest.raises(CommandError, match="no command"):
        call_command("run_schedule", str(bad), "--check")


def test_check_prints_each_job_with_its_next_run(capsys):
    call_command("run_schedule", "--check")
    out = capsys.readouterr().out
    assert "*/15 * * * *  sync_calendars  (next: " in out
    assert len(out.splitlines()) == len(read_schedule())


def test_once_runs_each_job_in_a_process_and_reports_a_failure(tmp_path, capfd):
    schedule = tmp_path / "s.cron"
    schedule.write_text("* * * * * check --tag models\n")
    call_command("run_schedule", str(schedule), "--once")
    assert "System check identified no issues" in capfd.readouterr().out
    schedule.write_text("* * * * * check --tag no-such-tag\n")
    with pytest.raises(CommandError, match="failed: check"):
        call_command("run_schedule", str(schedule), "--once")


def test_a_second_scheduler_on_the_same_database_refuses_to_start(tmp_path):
    """The lock is held by another connection (a thread of its own, as another
    process would): run_schedule stops with the reason, and runs once it is gone."""
    held, release, done = threading.Event(), threading.Event(), threading.Event()

    def other_scheduler():
        try:
            with single_instance():
                held.set()
                release.wait(10)
        finally:
            connection.close()
            done.set()

    thread = threading.Thread(target=other_scheduler)
    thread.start()
    assert held.wait(10)
    schedule = tmp_path / "s.cron"
    schedule.write_text("* * * * * check\n")
    try:
        with pytest.raises(CommandError, match="another scheduler is running"):
            call_command("run_schedule", str(schedule), "--once")
    finally:
        release.set()
        thread.join(10)
    assert done.is_set()
    call_command("run_schedule", str(schedule), "--once")
