"""The yardstick beside the load benchmark: a minimal Django + DRF + PostgreSQL app that
books a stay with a lock, a check and an insert, and answers a day's free starts with
one query, and nothing else. Served and loaded as Venster is (benchmarks/baseline_load.py),
it shows on the same machine, in the same minute, what Venster adds per request."""
