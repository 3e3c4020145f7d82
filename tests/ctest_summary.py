#!/usr/bin/env python3
"""The last lines of `./run test`: how many tests ran, and why each skipped one was skipped.

    python3 tests/ctest_summary.py build/Testing/Temporary/LastTest.log

CTest counts a test as skipped when its output matches the test's SKIP_REGULAR_EXPRESSION,
"BERTLAB-SKIP:" here (tests/support/fixtures.h prints it with the reason). CTest's own summary
names the skipped tests but not why; LastTest.log keeps every test's output, so the reason is
read from there. Each test's part of the log starts with "<n>/<total> Testing: <name>".
"""
import re
import sys

SKIP_LINE = re.compile(r"^BERTLAB-SKIP: (.*)$", re.MULTILINE)


def tests_in(log: str):
    """(name, its part of the log) for every test in the log, in the order they ran."""
    starts = list(re.finditer(r"^\d+/\d+ Testing: (.*)$", log, re.MULTILINE))
    for i, start in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(log)
        yield start.group(1), log[start.end():end]


def main() -> int:
    with open(sys.argv[1], encoding="utf-8", errors="replace") as file:
        log = file.read()
    passed = failed = 0
    skipped = []  # (name, reasons)
    for name, part in tests_in(log):
        if "Skip regular expression found in output" in part:
            skipped.append((name, SKIP_LINE.findall(part)))
        elif "Test Passed." in part:
            passed += 1
        else:
            failed += 1
    for name, reasons in skipped:
        print(f"skipped: {name}: {'; '.join(reasons)}")
    total = passed + failed + len(skipped)
    print(f"{passed + failed} of {total} tests ran ({passed} passed, {failed} failed), "
          f"{len(skipped)} skipped" + (" for the reasons above" if skipped else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
