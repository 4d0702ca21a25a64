"""English questions over Indonesian articles: dictionary query translation, offline.

- `dictionary`: FreeDict's eng-ind and our news glossary (`qa/data/dictionary/`), read once.
- `translate`: an English question -> groups of Indonesian alternatives, one per English word
  or phrase, that every scorer counts as one term (`qa.query.Query.fold`).
- `convert`: the one-off script that turns the Debian dictd files into `eng-ind.tsv`.
"""
