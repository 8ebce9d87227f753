"""The scheduled work: deploy/schedule.cron read into jobs, each run as a manage.py
command in a process of its own by APScheduler (`manage.py run_schedule`), in one
instance only (a lock on the database, or beside the SQLite file)."""

import contextlib
import fcntl
import shlex
import zlib
from dataclasses import dataclass
from pathlib import Path

from apscheduler.triggers.cron import CronTrigger
from django.conf import settings
from django.core.management import get_commands
from django.db import connection

SCHEDULE_FILE = Path(settings.BASE_DIR) / "deploy" / "schedule.cron"
TIME_ZONE = "Europe/Oslo"


class ScheduleError(Exception):
    """A line of the schedule that cannot run; the message names the line."""


@dataclass(frozen=True)
class Job:
    line: int
    cron: str  # the five fields
    args: tuple[str, ...]  # the manage.py command and its arguments

    @property
    def command(self) -> str:
        return self.args[0]

    @property
    def trigger(self) -> CronTrigger:
        return CronTrigger.from_crontab(self.cron, timezone=TIME_ZONE)

    def __str__(self):
        return f"{self.cron}  {shlex.join(self.args)}"


def read_schedule(path: Path = SCHEDULE_FILE) -> list[Job]:
    """The jobs of a schedule file; ScheduleError for a line with a bad time or an
    unknown command (the whole file is refused, so no job is silently lost)."""
    known = get_commands()
    jobs = []
    for number, raw in enumerate(Path(path).read_text().splitlines(), start=1):
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        fields = shlex.split(text)
        if len(fields) < 6:
            raise ScheduleError(
                f"line {number}: five time fields and a command are needed: {text}"
            )
        job = Job(line=number, cron=" ".join(fields[:5]), args=tuple(fields[5:]))
        try:
            job.trigger  # noqa: B018 (parsed here to refuse a bad time now)
        except ValueError as error:
            raise ScheduleError(f"line {number}: {error}") from error
        if job.command not in known:
            raise ScheduleError(f"line {number}: no command {job.command!r}")
        jobs.append(job)
    if not jobs:
        raise ScheduleError(f"{path}: no jobs")
    return jobs


LOCK_NAME = "nemus.run_schedule"


@contextlib.contextmanager
def single_instance():
    """Held while this process runs the schedule; ScheduleError when another
    process holds it. PostgreSQL: a session advisory lock (held by this process's
    connection). SQLite: an exclusive lock on a file beside the database."""
    if connection.vendor == "postgresql":
        key = zlib.crc32(LOCK_NAME.encode())
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            (taken,) = cursor.fetchone()
        if not taken:
            raise ScheduleError("another scheduler is running on this database")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
        return
    database = Path(str(connection.settings_dict["NAME"]))
    with open(database.with_name(database.name + ".scheduler-lock"), "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise ScheduleError(
                "another scheduler is running on this database"
            ) from error
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
