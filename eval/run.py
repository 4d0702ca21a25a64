"""The eval as a script: `python eval/run.py --gold FILE.jsonl ...` = `qa eval --gold ...`.

For checkouts where the `qa` command is not on PATH; every flag of `qa eval` works here,
including the global ones (--index, --model, ...).

    python eval/run.py --gold eval/facqa/gold-valid.jsonl --corpus eval/facqa/corpus.jsonl
    python eval/run.py --gold eval/news/gold.jsonl --sample --out eval/report --json run.json
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qa.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["eval", *sys.argv[1:]]))
