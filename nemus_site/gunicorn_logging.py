"""gunicorn's logger with tokens redacted from the paths it logs (nemus_site.redact).

Named by `logger_class` in gunicorn.conf.py."""

from gunicorn.glogging import Logger

from nemus_site.redact import redact_path


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("U", "r", "q"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact_path(atoms[key])
        return atoms
