"""Where a Milvus index lives: `milvus:///path/file.db` (Milvus Lite in a local file) or
`milvus://HOST:PORT` (a Milvus Lite server, a Milvus standalone or a cluster's proxy).

Credentials never travel in the URI (it is printed in messages and logs): they come from
`QA_MILVUS_TOKEN`, or `QA_MILVUS_USER` and `QA_MILVUS_PASSWORD`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

SCHEME = "milvus://"


@dataclass(frozen=True)
class MilvusLocation:
    uri: str  # as the user wrote it: what messages name
    address: str  # what pymilvus connects to: a file path or http://host:port
    is_file: bool

    def credentials(self, env: dict[str, str] | None = None) -> dict[str, str]:
        """pymilvus' token/user/password arguments, from the environment."""
        env = os.environ if env is None else env
        if env.get("QA_MILVUS_TOKEN"):
            return {"token": env["QA_MILVUS_TOKEN"]}
        if env.get("QA_MILVUS_USER"):
            return {"user": env["QA_MILVUS_USER"], "password": env.get("QA_MILVUS_PASSWORD", "")}
        return {}


def parse(uri: str) -> MilvusLocation:
    """The location a `milvus://` URI names, or ValueError saying what a valid one looks like."""
    if not uri.startswith(SCHEME):
        raise ValueError(f"store {uri!r}: expected milvus:///path/file.db or milvus://HOST:PORT")
    parts = urlsplit(uri)
    if "@" in parts.netloc:
        raise ValueError(
            f"store {uri.split('@')[-1]!r}: put credentials in QA_MILVUS_TOKEN or "
            "QA_MILVUS_USER / QA_MILVUS_PASSWORD, not in the URI"
        )
    if not parts.netloc:
        if not parts.path or parts.path == "/":
            raise ValueError(f"store {uri!r}: give a file, e.g. milvus:///tmp/index.db")
        return MilvusLocation(uri, str(Path(parts.path).expanduser()), True)
    if not re.fullmatch(r"[\w.\-]+:\d{1,5}", parts.netloc):
        raise ValueError(
            f"store {uri!r}: expected milvus://HOST:PORT, e.g. milvus://127.0.0.1:19530"
        )
    return MilvusLocation(uri, f"http://{parts.netloc}", False)


def collection_prefix(index: Path | str) -> str:
    """Collections of one index inside a Milvus database, named after `--index` (so an eval's
    corpus index and the main one can share a server): `index` -> `qa_index`."""
    name = re.sub(r"\W+", "_", str(index)).strip("_") or "index"
    return f"qa_{name}"[:200]
