"""Start-up: a whole `quicktest score` process against a bare `python -c "import yaml"`."""

from __future__ import annotations

from timing import PYTHON, QUICKTEST, ROOT, interleaved, prepare, process, report


def main() -> list[dict]:
    prepare()
    example = str(ROOT / "examples" / "vibe_revenue.yaml")
    bare, score, score_json = interleaved(
        process([PYTHON, "-c", "import yaml"]),
        process([QUICKTEST, "score", example]),
        process([QUICKTEST, "score", example, "--format", "json"]),
        repeat=21,
    )
    return [
        report("quicktest score (text)", score, "python -c 'import yaml'", bare),
        report("quicktest score --format json", score_json, "python -c 'import yaml'", bare),
    ]


if __name__ == "__main__":
    main()
