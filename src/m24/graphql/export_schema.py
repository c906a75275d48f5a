"""Print the GraphQL schema (SDL), or check it against the committed snapshot.

python -m m24.graphql.export_schema > schema.graphql          # refresh the snapshot
python -m m24.graphql.export_schema --check schema.graphql    # CI: fail on an unreviewed change
"""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

from m24.config import Settings
from m24.graphql.schema import build_schema


def sdl() -> str:
    return build_schema(Settings(env="development")).as_str() + "\n"


def main(argv: list[str]) -> int:
    current = sdl()
    if len(argv) == 2 and argv[0] == "--check":
        committed = Path(argv[1]).read_text(encoding="utf-8")
        if committed == current:
            return 0
        sys.stdout.writelines(
            difflib.unified_diff(committed.splitlines(True), current.splitlines(True), argv[1], "current")
        )
        print(
            "\nschema.graphql is out of date: run `python -m m24.graphql.export_schema > schema.graphql`",
            file=sys.stderr,
        )
        return 1
    sys.stdout.write(current)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
