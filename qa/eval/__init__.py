"""Evaluation against gold Q&A pairs, deterministic and without an LLM judge.

gold (reading gold files) and metrics (the formulas, and the decisions behind them) depend
on nothing else; runner asks an index and scores the answers; report prints and writes a
result; command is `qa eval`. Imports run in that order only, so a saved result can be
reported, and a metric reused by the benchmarks, without the command line or an index.
"""
