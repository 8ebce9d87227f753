"""Summarise wapiti JSON reports: findings grouped by kind, with counts and examples.

Usage: python scripts/scan_summary.py REPORT.json [REPORT.json ...]
Exit status 1 when any finding is above "info" (wapiti level 2 or more) and its
category is not explained in scripts/scan_explained.txt, so `make scan` fails on
something new. Level 0 and 1 findings are listed, with the explanation if any.
"""

import json
import re
import sys
from collections import defaultdict
from pathlib import Path

LEVELS = {0: "info", 1: "low", 2: "medium", 3: "high", 4: "critical"}
EXPLAINED = Path(__file__).with_name("scan_explained.txt")


def explained() -> dict[str, str]:
    notes = {}
    if EXPLAINED.exists():
        for line in EXPLAINED.read_text().splitlines():
            if line.strip() and not line.startswith("#"):
                category, _, why = line.partition(" :: ")
                notes[category.strip()] = why.strip()
    return notes


def main(paths: list[str]) -> int:
    notes = explained()
    unexplained = 0
    for path in paths:
        report = json.loads(Path(path).read_text())
        info = report.get("infos", {})
        print(
            f"== {path}: {info.get('target')} ({info.get('version')}, "
            f"{info.get('crawled_pages_nbr', '?')} pages crawled)"
        )
        groups = defaultdict(list)
        for section in ("vulnerabilities", "anomalies", "additionals"):
            for category, findings in sorted(report.get(section, {}).items()):
                for finding in findings:
                    # One line per kind: the same message on many pages is one finding.
                    text = re.sub(r"https?://\S+", "<url>", finding.get("info", ""))
                    key = (section, category, finding.get("level", 0), text.strip())
                    groups[key].append(finding.get("path", ""))
        if not groups:
            print("   no findings")
        for (section, category, level, text), where in sorted(groups.items()):
            flag = ""
            if level >= 2 and category not in notes:
                unexplained += 1
                flag = "  <-- UNEXPLAINED"
            examples = ", ".join(sorted(set(where))[:3])
            print(
                f"[{section}] {LEVELS.get(level, level)} {category}: {text} "
                f"x{len(where)} ({examples}{', ...' if len(set(where)) > 3 else ''})"
                f"{flag}"
            )
            if category in notes:
                print(f"    explained: {notes[category]}")
    print(f"Unexplained findings above info: {unexplained}")
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
