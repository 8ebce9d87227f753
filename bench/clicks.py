"""The clicks patients make after they land (issue 39), for bench/run.py: each
measured by wrk over a realistic set of distinct values, one after another per
connection (a Lua script cycles them), so a cache holding one URL proves nothing;
and a booking rush: N patients at once, each opening the form of a distinct time
and sending it, from an address of their own (X-Forwarded-For behind a
DJANGO_PROXY_COUNT=1 front, so the per-address limit holds as in production).

- a day tapped in a clinic's day view: `?dag=` over the next 14 days;
- the finder with a postcode: `/klinikker/?q=` over 30 postcodes;
- the soonest times near a postcode: `/timebestilling/?q=` over the same 30.
"""

import http.cookiejar
import json
import re
import statistics
import time
import urllib.parse
import urllib.request
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

CLICK_GOALS = {
    # name: (goal with the page cache on, goal rendered every time)
    "day tapped ?dag=": (0.5, 0.08),
    "finder ?q=": (0.5, 0.10),
    "soonest times ?q=": (0.5, 0.10),
}
RUSH_PATIENTS = 120
RUSH_AT_ONCE = 16
# Bookings before the measured ones, not counted: a worker's first requests compile
# the templates and ready the code paths (about 0.2 s of CPU per worker for the
# first booking), which a running site's workers did long ago; every other figure
# here is taken after a warm-up too (bench.run.wrk's `warm`).
RUSH_WARM = RUSH_AT_ONCE
RUSH_GOAL = 0.02  # bookings a second, of the static file's requests a second


def click_paths(bench, clinic_slug: str) -> dict[str, list[str]]:
    """Each click's distinct paths, from the bench's database."""
    found = bench.python(
        "import json, datetime as dt\n"
        "from clinics.hours import local_now\n"
        "from clinics.models import Postcode\n"
        "codes = list(Postcode.objects.order_by('code').values_list('code', "
        "flat=True))\n"
        "today = local_now().date()\n"
        "print(json.dumps({'codes': codes[:: max(1, len(codes) // 30)][:30], "
        "'days': [(today + dt.timedelta(days=n)).isoformat() for n in range(14)]}))"
    )
    data = json.loads(found.splitlines()[-1])
    return {
        "day tapped ?dag=": [
            f"/timebestilling/{clinic_slug}/?dag={day}" for day in data["days"]
        ],
        "finder ?q=": [f"/klinikker/?q={code}" for code in data["codes"]],
        "soonest times ?q=": [f"/timebestilling/?q={code}" for code in data["codes"]],
    }


def cycle_script(paths: list[str], out: Path) -> Path:
    """A wrk script that sends `paths` in turn on each thread."""
    quoted = ", ".join('"' + path.replace('"', '\\"') + '"' for path in paths)
    out.write_text(
        f"local paths = {{{quoted}}}\n"
        "local i = 0\n"
        "request = function()\n"
        "  i = i % #paths + 1\n"
        '  return wrk.format("GET", paths[i])\n'
        "end\n"
    )
    return out


def wrk_cycle(wrk, paths: list[str], out: Path) -> dict:
    """wrk over `paths` in turn (bench.run.wrk with a script)."""
    return wrk(paths[0], script=cycle_script(paths, out), warm=paths)


def _patient(job) -> dict:
    """One patient: the form of their time, then the booking. Runs in a process
    of its own (ProcessPoolExecutor), as a browser would be."""
    base, path, number = job
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    address = f"10.{number // 250}.{number % 250}.{number % 7 + 1}"
    headers = {"X-Forwarded-For": address, "Accept-Encoding": "identity"}
    started = time.monotonic()
    with opener.open(urllib.request.Request(base + path, headers=headers)) as page:
        html = page.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    # A returning patient's follow-up: the bench's times are 30 minutes long.
    kinds = re.findall(r'name="appointment_type" value="([^"]+)"', html)
    kind = "oppfolging" if "oppfolging" in kinds else kinds[0]
    form = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token,
            "appointment_type": kind,
            "name": f"Rush Pasient {number}",
            "phone": f"9{number:07d}",
            "email": f"rush{number}@example.invalid",
            "is_new_patient": "tidligere",
            "privacy": "on",
        }
    ).encode()
    post_started = time.monotonic()
    request = urllib.request.Request(
        base + path,
        data=form,
        headers={**headers, "Referer": base + path, "Origin": base},
    )
    try:
        with opener.open(request) as answer:
            body = answer.read().decode()
            told_booked = answer.geturl().endswith("/bekreftelse/") and (
                "Timen er bestilt" in body
            )
    except urllib.error.HTTPError as error:
        told_booked = False
        body = str(error.code)
    done = time.monotonic()
    return {
        "booked": told_booked,
        "post_ms": (done - post_started) * 1000,
        "total_ms": (done - started) * 1000,
    }


def booking_rush(bench, base: str) -> dict:
    """RUSH_PATIENTS patients, RUSH_AT_ONCE at a time, each booking a distinct
    open time; then the database is asked how many bookings there are."""
    found = bench.python(
        "from django.utils import timezone\n"
        "from booking.selectors import slot_list_open\n"
        "from clinics.models import Clinic\n"
        "now = timezone.now()\n"
        "paths = []\n"
        "for clinic in Clinic.objects.order_by('slug')[:20]:\n"
        "    for slot in slot_list_open(clinic=clinic, start=now + "
        "timezone.timedelta(days=2), end=now + timezone.timedelta(days=30))[:8]:\n"
        "        paths.append(f'/timebestilling/{clinic.slug}/{slot.pk}/')\n"
        f"print(' '.join(paths[:{RUSH_PATIENTS + RUSH_WARM}]))"
    )
    found_paths = found.splitlines()[-1].split()
    paths, warm = found_paths[:RUSH_PATIENTS], found_paths[RUSH_PATIENTS:]

    def bookings() -> int:
        return int(
            bench.python(
                "from booking.models import Booking\nprint(Booking.objects.count())"
            )
        )

    with ProcessPoolExecutor(RUSH_AT_ONCE) as pool:
        # Other patients (numbers, phones and addresses apart from the measured).
        warmed = list(
            pool.map(
                _patient, [(base, path, 10_000 + n) for n, path in enumerate(warm)]
            )
        )
        before = bookings()
        started = time.monotonic()
        results = list(
            pool.map(_patient, [(base, path, n) for n, path in enumerate(paths)])
        )
        seconds = time.monotonic() - started
    after = bookings()
    posts = sorted(result["post_ms"] for result in results)
    told = sum(result["booked"] for result in results)
    return {
        "warm_up": len(warm),
        "warm_up_booked": sum(result["booked"] for result in warmed),
        "patients": len(paths),
        "told_booked": told,
        "bookings_kept": after - before,
        "seconds": seconds,
        "bookings_per_s": told / seconds if seconds else 0.0,
        "post_p50_ms": statistics.median(posts) if posts else 0.0,
        "post_p99_ms": posts[min(len(posts) - 1, int(len(posts) * 0.99))]
        if posts
        else 0.0,
    }


def report_clicks(results: dict, base: float, row, checks: dict, lines) -> None:
    """The clicks' and the rush's lines of bench/run.py's report, added to
    `lines` (where `row` writes too)."""
    lines.append("clicks, distinct values in turn (page cache on, then rendered):")
    for name, (cached_goal, rendered_goal) in CLICK_GOALS.items():
        for kind, goal in (("cached", cached_goal), ("rendered", rendered_goal)):
            figures = results["clicks"][kind][name]
            _ratio, checks[f"{kind} {name}"] = row(
                f"{name} {kind}", figures, goal, p99=False
            )
    rush = results["rush"]
    ratio = rush["bookings_per_s"] / base
    every = rush["told_booked"] == rush["bookings_kept"] == rush["patients"]
    checks["booking rush"] = ratio >= RUSH_GOAL and every
    lines.append(
        f"booking rush: {rush['patients']} patients, {RUSH_AT_ONCE} at a time, after "
        f"{rush['warm_up']} warm-up bookings ({rush['warm_up_booked']} booked): "
        f"{rush['bookings_per_s']:.1f} bookings/s = {ratio:.3f} of static (goal "
        f"{RUSH_GOAL}); told booked {rush['told_booked']}, kept "
        f"{rush['bookings_kept']}; POST p50 {rush['post_p50_ms']:.0f} ms, p99 "
        f"{rush['post_p99_ms']:.0f} ms  {'yes' if checks['booking rush'] else 'NO'}"
    )


def run_clicks(bench, wrk, out: Path, clinic_slug: str) -> dict:
    paths = click_paths(bench, clinic_slug)
    return {
        name: wrk_cycle(wrk, click, out / f"{name.split()[0]}.lua")
        for name, click in paths.items()
    }
