import threading

import pytest
from django.db import close_old_connections, transaction

from sanxiang.core import sequences


@pytest.mark.django_db
def test_rollback_returns_the_number():
    with transaction.atomic():
        assert sequences.next_value("k") == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        assert sequences.next_value("k") == 2
        raise RuntimeError("undo")
    with transaction.atomic():
        assert sequences.next_value("k") == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_concurrent_numbering_has_no_gaps_or_duplicates():
    taken, errors = [], []

    def worker():
        try:
            for _ in range(10):
                with transaction.atomic():
                    taken.append(sequences.next_value("concurrent"))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(taken) == list(range(1, 41))
