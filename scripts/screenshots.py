"""Screenshots of pages at phone and desktop widths, for people to look at.

    .venv/bin/python scripts/screenshots.py http://127.0.0.1:8000 var/screenshots / /en/
    .venv/bin/python scripts/screenshots.py URL docs/img /admin/ --views 1280 \
        --login redaktor:PASSWORD --viewport-only --webp


Widths 320, 375 and 1280 px, and 1280 px at 200% zoom (a 640 px layout drawn at
twice the scale), full page, with Debian's Chromium and a Norwegian locale.
"""

import argparse
import os
import re
from pathlib import Path

from playwright.sync_api import sync_playwright

VIEWS = [
    ("320", {"width": 320, "height": 640}, 1),
    ("375", {"width": 375, "height": 740}, 2),
    ("1280", {"width": 1280, "height": 900}, 1),
    ("zoom200", {"width": 640, "height": 450}, 2),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("base_url")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--views", default="320,375,1280,zoom200")
    parser.add_argument("--login", help="USER:PASSWORD: log in to the admin first")
    parser.add_argument(
        "--viewport-only", action="store_true", help="the first screen, not the page"
    )
    parser.add_argument("--webp", action="store_true", help="save WebP (for docs)")
    args = parser.parse_args()
    wanted = set(args.views.split(","))
    args.out_dir.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        for name, viewport, scale in VIEWS:
            if name not in wanted:
                continue
            context = browser.new_context(
                viewport=viewport, device_scale_factor=scale, locale="nb-NO"
            )
            page = context.new_page()
            if args.login:
                user, _, password = args.login.partition(":")
                page.goto(args.base_url.rstrip("/") + "/admin/login/")
                page.fill("#id_username", user)
                page.fill("#id_password", password)
                page.click("input[type=submit]")
                page.wait_for_load_state("load")
            for path in args.paths:
                page.goto(args.base_url.rstrip("/") + path)
                page.wait_for_load_state("load")
                slug = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
                target = args.out_dir / f"{slug}-{name}.png"
                page.screenshot(path=str(target), full_page=not args.viewport_only)
                if args.webp:
                    from PIL import Image

                    webp = target.with_suffix(".webp")
                    Image.open(target).save(webp, "WEBP", quality=80)
                    target.unlink()
                    target = webp
                print(target)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
