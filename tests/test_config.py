"""One configuration object: defaults, then QA_* environment, then explicit overrides."""

from pathlib import Path

import pytest

from qa.config import Config


def test_defaults() -> None:
    config = Config.load(env={})
    assert config.index == Path("index")
    assert config.retriever == "hybrid"
    assert config.explicit == frozenset()


def test_environment_then_overrides() -> None:
    env = {"QA_INDEX": "/tmp/x", "QA_CHUNK_TOKENS": "128", "QA_STOPWORDS": "false", "QA_K": "3"}
    config = Config.load(env=env, k=7)
    assert config.index == Path("/tmp/x")
    assert config.chunk_tokens == 128 and config.stopwords is False
    assert config.k == 7  # the explicit override wins over the environment
    assert config.explicit == {"index", "chunk_tokens", "stopwords", "k"}


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"QA_CHUNK_TOKENS": "many"}, "QA_CHUNK_TOKENS"),
        ({"QA_STOPWORDS": "perhaps"}, "QA_STOPWORDS"),
        ({"QA_STEMMER": "porter"}, "stemmer"),
        ({"QA_RETRIEVER": "magic"}, "retriever"),
        ({"QA_CHUNK_OVERLAP": "500"}, "chunk_overlap"),
    ],
)
def test_bad_values_are_named(env: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Config.load(env=env)


def test_unknown_setting_is_refused() -> None:
    with pytest.raises(TypeError, match="colour"):
        Config.load(env={}, colour="blue")
