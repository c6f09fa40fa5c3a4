"""JSON Schemas of the question bank files, so an editor can complete and check a bank.

`python -m quicktest.sources.schema [DIR]` writes them to DIR/schema (default: the shipped bank);
a test fails when the committed schemas and the models disagree.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from quicktest.sources.bankmodels import MODELS
from quicktest.sources.locations import questions_dir


def schemas() -> dict[str, str]:
    """File name -> schema text, for each bank file."""
    out = {}
    for name, model in MODELS.items():
        schema = model.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        out[name.replace(".yaml", ".schema.json")] = json.dumps(schema, indent=2) + "\n"
    return out


def main(argv: list[str]) -> int:
    folder = Path(argv[0] if argv else questions_dir()) / "schema"
    folder.mkdir(exist_ok=True)
    for name, text in schemas().items():
        (folder / name).write_text(text, encoding="utf-8")
        print(folder / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
