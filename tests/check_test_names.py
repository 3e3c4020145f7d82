#!/usr/bin/env python3
"""Every Catch2 test case must reach CTest as a test of its own.

    check_test_names.py BERT_TESTS_BINARY

catch_discover_tests hands the test names to CMake as a list, and in a CMake list a ';'
separates items while an unclosed '[' hides every ';' after it: one name such as
"values in [0, 1)" once swallowed the next 70 tests into a single CTest entry that ran none of
them, and the suite still reported 100% passed. This check lists the names and rejects those.
"""
import subprocess
import sys

# (Catch2 v2 exits with the number of tests it listed, so the exit code says nothing here.)
names = subprocess.run([sys.argv[1], "--list-test-names-only"], capture_output=True,
                       text=True).stdout.splitlines()
if not names:
    sys.exit(f"{sys.argv[1]} --list-test-names-only listed no tests")
bad = []
for name in filter(None, (n.strip() for n in names)):
    depth = 0
    for ch in name:
        depth += {"[": 1, "]": -1}.get(ch, 0)
        if depth < 0:
            break
    if depth != 0 or ";" in name:
        bad.append(name)
for name in bad:
    print(f"test name with an unbalanced '[' / ']' or a ';' (CTest would merge tests): {name!r}")
print(f"{len(names)} test names checked, {len(bad)} bad")
sys.exit(1 if bad else 0)
