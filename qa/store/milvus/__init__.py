"""The index in Milvus: Milvus Lite in a local file, its local server, or a Milvus
standalone or distributed deployment, behind the same `Backend` as the local store.

- `uri`: the `milvus://` locations and where credentials come from.
- `bm25`: BM25 as sparse vectors we compute, so ranking matches the local store.
- `schema`: the collections of one index.
- `rows`: articles and chunks as their rows, and back.
- `lease`: one writer at a time across processes.
- `client`: one index's collections on a client, batched and retried.
- `store`: `MilvusStore`.

Needs the `milvus` extra (`pip install '.[milvus]'`); nothing here is imported otherwise.
"""

import os

os.environ.setdefault("GRPC_VERBOSITY", "ERROR")  # gRPC's own notes on forks and shutdowns
