"""Print the summary of a JSON report written by the test suite (CI log)."""

import json
import sys
from pathlib import Path


def main(path):
    report = json.loads(Path(path).read_text())
    if "pages" in report:
        print(f"browser: {len(report['pages'])} pages and {len(report['decks'])} slide decks, "
              f"{report['visits']} visits; blocked requests {report['blocked_requests']}, "
              f"console errors {report['console_errors']}, page errors {report['page_errors']}, "
              f"failed loads {report['failed_loads']}")
    if "seconds_per_submission" in report:
        times = ", ".join(f"{name} {seconds:.1f} s"
                          for name, seconds in report["seconds_per_submission"].items())
        print(f"grading time per submission: {times}")
        for key, row in report["scores"].items():
            print(f"  {key}: kernel {row['kernel']:g} -> final {row['final']:g} "
                  f"(expected {row['expected']:g})")


if __name__ == "__main__":
    main(sys.argv[1])
