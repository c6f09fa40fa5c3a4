"""Start-up: a whole `quicktest score` process against a bare `python -c "import yaml"`."""

from __future__ import annotations

from timing import PYTHON, ROOT, median_seconds, process, report


def main() -> list[dict]:
    example = str(ROOT / "examples" / "vibe_revenue.yaml")
    score = median_seconds(process([PYTHON, "-m", "quicktest", "score", example]))
    score_json = median_seconds(
        process([PYTHON, "-m", "quicktest", "score", example, "--format", "json"])
    )
    bare = median_seconds(process([PYTHON, "-c", "import yaml"]))
    return [
        report("quicktest score (text)", score, "python -c 'import yaml'", bare),
        report("quicktest score --format json", score_json, "python -c 'import yaml'", bare),
    ]


if __name__ == "__main__":
    main()
