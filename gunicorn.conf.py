"""gunicorn settings: `gunicorn -c gunicorn.conf.py nemus_site.wsgi`.

Workers, threads and the address come from the environment, so one file serves
`make run`, CI and containers.
"""

import os


def _env(name: str, default: str) -> str:
    return os.environ.get(name, "").strip() or default


bind = _env("GUNICORN_BIND", f"127.0.0.1:{_env('PORT', '8000')}")
workers = int(_env("GUNICORN_WORKERS", "2"))
threads = int(_env("GUNICORN_THREADS", "1"))
timeout = int(_env("GUNICORN_TIMEOUT", "30"))
# The control socket is only for interactive management, and CI machines may have no
# writable runtime directory for it.
control_socket_disable = True

accesslog = "-"
errorlog = "-"
# Tokens in paths (cancel links) are replaced by "[token]" in every access line.
logger_class = "nemus_site.gunicorn_logging.RedactingLogger"
# One JSON object a line, like the application's logs. %(U)s is the path alone: query
# strings (postcodes, positions, tokens) are never logged, nor the client's address.
access_log_format = (
    '{"time": "%(t)s", "logger": "access", "method": "%(m)s", "path": "%(U)s", '
    '"status": %(s)s, "bytes": %(B)s, "duration_s": %(L)s, '
    '"request_id": "%({x-request-id}o)s"}'
)
