"""The shared counter behind API throttling: atomic under concurrency, on whichever cache
is configured (Redis with REDIS_URL, else the in-process cache)."""

import threading

from operations.cache import count_in_window


def test_concurrent_increments_are_all_counted_and_each_sees_its_own_value():
    seen, lock = [], threading.Lock()

    def count_many():
        for _ in range(50):
            value = count_in_window("test-counter-race", 60)
            with lock:
                seen.append(value)

    key_before = count_in_window("test-counter-race", 60)
    threads = [threading.Thread(target=count_many) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(seen) == list(range(key_before + 1, key_before + 401))
