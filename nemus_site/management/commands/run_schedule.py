import datetime as dt
import logging
import signal
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from apscheduler.schedulers.blocking import BlockingScheduler
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from nemus_site.schedule import (
    SCHEDULE_FILE,
    TIME_ZONE,
    Job,
    ScheduleError,
    read_schedule,
    single_instance,
)

logger = logging.getLogger("nemus_site.schedule")

# A job still running after this long is stopped (and logged): the next run of
# it, or of any other job, never waits behind a hung one for ever.
JOB_TIMEOUT_SECONDS = 50 * 60


def run_job(job: Job, timeout: float = JOB_TIMEOUT_SECONDS) -> int:
    """One job as `manage.py <command>` in a process of its own; its exit code
    (-1 when it was stopped for running too long)."""
    started = time.monotonic()
    logger.info("job started: line=%s command=%s", job.line, job.command)
    try:
        code = subprocess.run(
            [sys.executable, "manage.py", *job.args],
            cwd=settings.BASE_DIR,
            timeout=timeout,
            check=False,
        ).returncode
    except subprocess.TimeoutExpired:
        code = -1
    log = logger.info if code == 0 else logger.error
    log(
        "job ended: line=%s command=%s exit=%s seconds=%.1f",
        job.line,
        job.command,
        code,
        time.monotonic() - started,
    )
    return code


class Command(BaseCommand):
    """The scheduler: every job of deploy/schedule.cron at its time (Europe/Oslo),
    each in a process of its own, never two runs of one job at once, and refusing
    to start while another scheduler runs on the same database."""

    help = "Run the scheduled commands of deploy/schedule.cron, each at its time."

    def add_arguments(self, parser):
        parser.add_argument(
            "file", nargs="?", default=str(SCHEDULE_FILE), help="The schedule file."
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Read the file, print each job and its next run, and stop.",
        )
        parser.add_argument(
            "--once",
            action="store_true",
            help="Run every job once now, in the file's order, and stop "
            "(after a restore, say).",
        )

    def handle(self, *args, **options):
        try:
            jobs = read_schedule(Path(options["file"]))
        except (ScheduleError, OSError) as error:
            raise CommandError(str(error)) from error
        if options["check"]:
            now = dt.datetime.now(ZoneInfo(TIME_ZONE))
            for job in jobs:
                upcoming = job.trigger.get_next_fire_time(None, now)
                self.stdout.write(f"{job}  (next: {upcoming:%Y-%m-%d %H:%M %Z})")
            return
        try:
            with single_instance():
                if options["once"]:
                    failed = [job for job in jobs if run_job(job) != 0]
                    if failed:
                        raise CommandError(
                            "failed: " + ", ".join(job.command for job in failed)
                        )
                    return
                self.serve(jobs)
        except ScheduleError as error:
            raise CommandError(str(error)) from error

    def serve(self, jobs: list[Job]) -> None:
        scheduler = BlockingScheduler(
            timezone=TIME_ZONE,
            job_defaults={
                "max_instances": 1,  # a slow run is never overlapped by the next
                "coalesce": True,  # runs missed while down: once, not each
                "misfire_grace_time": 5 * 60,
            },
        )
        for job in jobs:
            scheduler.add_job(
                run_job, job.trigger, args=[job], id=f"line-{job.line}", name=str(job)
            )

        def stop(_signum, _frame):
            scheduler.shutdown(wait=False)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"Scheduler running {len(jobs)} jobs ({TIME_ZONE}).")
        self.stdout.flush()
        scheduler.start()
