"""Django's SQLite backend, with writers queued by the operating system.

Two gunicorn workers writing to one SQLite file wait for each other's write lock.
SQLite's own wait (the busy timeout) sleeps and tries again, 1, 2, 5, 10 … 25 ms at a
time: a writer that finds the lock taken sleeps at least a millisecond for a
transaction that takes a fraction of one, and under a steady stream of writes from
the other worker can sleep 80 ms and more before it finds the lock free (measured
in `make bench`'s booking rush: a fifth of both cores idle, waiting).

Here a write transaction (every `transaction.atomic()`, which begins IMMEDIATE)
first takes an exclusive lock on a file beside the database (`<name>-writer`),
held until it commits or rolls back; a writer that finds it taken polls it every
0.2 ms, so it goes on within a fraction of a millisecond of the other's commit.
The file lock only orders the writers: SQLite's lock still guards the data, and a
writer that does not get the file lock in time (`timeout`, as SQLite's) begins
anyway and waits as SQLite does. Writes outside a transaction, and other programs
writing to the file, queue as before."""

import fcntl
import os
import time

from django.db.backends.sqlite3 import base

POLL_SECONDS = 0.0002


class DatabaseWrapper(base.DatabaseWrapper):
    _writer_fd: int | None = None
    _writer_held = False

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        name = str(self.settings_dict["NAME"])
        if name and ":memory:" not in name and "mode=memory" not in name:
            try:
                self._writer_fd = os.open(
                    f"{name}-writer", os.O_RDWR | os.O_CREAT, 0o600
                )
            except OSError:
                self._writer_fd = None  # a read-only folder: SQLite's wait alone
        return connection

    def _writer_lock(self) -> None:
        if self._writer_fd is None or self._writer_held:
            return
        deadline = time.monotonic() + float(
            self.settings_dict["OPTIONS"].get("timeout", 5)
        )
        while True:
            try:
                fcntl.flock(self._writer_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return  # SQLite's own wait from here
                time.sleep(POLL_SECONDS)
            else:
                self._writer_held = True
                return

    def _writer_unlock(self) -> None:
        if self._writer_held:
            self._writer_held = False
            fcntl.flock(self._writer_fd, fcntl.LOCK_UN)

    def _start_transaction_under_autocommit(self):
        self._writer_lock()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._writer_unlock()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._writer_unlock()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._writer_unlock()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._writer_unlock()
            if self._writer_fd is not None:
                os.close(self._writer_fd)
                self._writer_fd = None
