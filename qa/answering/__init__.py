"""The answer step: a query and its retrieved hits -> an `Answer` whose every quote is verified.

- `reader`: the extractive reader, the default (no model download, milliseconds on CPU);
  it reads `evidence` (scored sentences), `spans` (short-answer candidates), `correctness`
  (the probability that the top candidate is right, which decides whether it is shown),
  `abstention` (the probability that the articles answer at all, which decides "not found")
  and the learned `model` (a versioned data file, `model.json`).
- `llm`: an OpenAI-compatible chat model writes the answer instead; its citations are
  verified the same way, and any failure falls back to the extractive answer with a note.
- `citations`: the one check every quote passes before a reader sees it.
"""
