#!/usr/bin/env python3
"""test-summary.py TESTLOG.json EXTRA_PASSED EXTRA_FAILED

Counts meson's per-test results (one JSON object a line) plus extra results
(the libFuzzer run), prints the closing line "N passed, N failed, N skipped"
and exits non-zero when anything failed or nothing ran."""
import json
import sys


def main() -> int:
    passed, failed, skipped = int(sys.argv[2]), int(sys.argv[3]), 0
    try:
        with open(sys.argv[1], encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                result = json.loads(line).get("result", "")
                if result in ("OK", "EXPECTEDFAIL"):
                    passed += 1
                elif result == "SKIP":
                    skipped += 1
                else:
                    failed += 1
    except OSError as e:
        print(f"test-summary: {e}", file=sys.stderr)
        failed += 1
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
