"""Lighthouse scores of each page in var/audit/, against the goals.

Usage: python scripts/audit_summary.py var/audit
Exit status 1 when a page misses a goal.
"""

import json
import sys
from pathlib import Path

GOALS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
METRICS = {
    "first-contentful-paint": "FCP",
    "largest-contentful-paint": "LCP",
    "total-blocking-time": "TBT",
    "cumulative-layout-shift": "CLS",
    "speed-index": "SI",
}


def main(folder: str) -> int:
    missed = 0
    reports = sorted(Path(folder).glob("*.report.json"))
    if not reports:
        print(f"No Lighthouse reports in {folder}")
        return 1
    header = "".join(f"{name:>16}" for name in GOALS)
    print(f"{'page':<10}{header}   metrics")
    for path in reports:
        report = json.loads(path.read_text())
        cells = []
        for category, goal in GOALS.items():
            score = round(report["categories"][category]["score"] * 100)
            ok = score >= goal
            missed += not ok
            cells.append(f"{score:>13}{'' if ok else ' !!':<3}")
        metrics = ", ".join(
            f"{short} {report['audits'][audit]['displayValue']}"
            for audit, short in METRICS.items()
        )
        name = path.name.removesuffix(".report.json")
        print(f"{name:<10}{''.join(cells)}   {metrics}")
        for category, goal in GOALS.items():
            if round(report["categories"][category]["score"] * 100) < goal:
                for ref in report["categories"][category]["auditRefs"]:
                    audit = report["audits"][ref["id"]]
                    if (
                        ref["weight"]
                        and audit["score"] is not None
                        and audit["score"] < 1
                    ):
                        print(f"    {category}: {audit['title']} ({audit['score']})")
    print(
        f"Lighthouse {json.loads(reports[0].read_text())['lighthouseVersion']}, "
        f"{'all goals met' if not missed else f'{missed} score(s) below the goal'}"
    )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "var/audit"))
