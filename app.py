"""The web chat: `python app.py [--port 7860 --host 127.0.0.1 ...]` is `qa serve`.

Starts at http://127.0.0.1:7860; an empty index is first built from the bundled sample corpus.
`python app.py --help` lists the flags (each also has a QA_* environment variable).
"""

import sys

from qa.cli import main

if __name__ == "__main__":
    sys.exit(main(["serve", *sys.argv[1:]]))
