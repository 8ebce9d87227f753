"""The outside services booking talks to, together: e-mail (what is sent, in the
patient's language), SMS (the backends `SMS_BACKEND` names) and iCalendar
(practitioners' calendars read in, feeds given out). They call nothing of
booking's pages, services or selectors (import-linter, pyproject.toml)."""
