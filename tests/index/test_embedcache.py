import numpy as np

from index.embedcache import EmbeddingCache


def test_cache_embeds_each_text_once_and_survives_reopening(tmp_path):
    calls = []

    def compute(texts):
        calls.append(list(texts))
        return np.array([[len(t), 1.0] for t in texts], dtype=np.float32)

    cache = EmbeddingCache(tmp_path, "enc/x", 2)
    first = cache.embed(["a", "bb", "a"], compute)
    assert calls == [["a", "bb"]] and first.tolist() == [[1, 1], [2, 1], [1, 1]]
    again = EmbeddingCache(tmp_path, "enc/x", 2).embed(["bb", "ccc"], compute)
    assert calls[-1] == ["ccc"] and again.tolist() == [[2, 1], [3, 1]]
    # another encoder never sees these vectors
    assert len(EmbeddingCache(tmp_path, "enc/y", 2)) == 0


def test_a_broken_cache_is_ignored(tmp_path):
    cache = EmbeddingCache(tmp_path, "e", 2)
    cache.embed(["a"], lambda t: np.ones((len(t), 2)))
    (cache.folder / "vectors.npy").write_bytes(b"junk")
    assert len(EmbeddingCache(tmp_path, "e", 2)) == 0
