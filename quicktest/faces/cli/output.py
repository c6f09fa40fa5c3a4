"""What a command prints for scripts: strict JSON."""

from __future__ import annotations

import json
import sys


def print_json(data: object) -> None:
    # allow_nan=False: strict JSON (RFC 8259) or a fault of ours, never NaN in a script's input
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False, allow_nan=False)
    sys.stdout.write("\n")
