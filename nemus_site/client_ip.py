"""The patient's address, for rate limits and the admin lockout.

Behind proxies REMOTE_ADDR is the nearest proxy's address, so every patient would share
one limit. With `NEMUS_PROXY_COUNT` = N (env `DJANGO_PROXY_COUNT`), the address is the
one the outermost of our N proxies saw: the Nth entry from the right of
X-Forwarded-For. Entries further left are whatever the client sent and are never
trusted. Anything unreadable falls back to REMOTE_ADDR.
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.NEMUS_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.headers.get("x-forwarded-for", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < count:
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
