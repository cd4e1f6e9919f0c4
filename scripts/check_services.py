"""Fail loudly when DATABASE_URL or REDIS_URL is set but cannot be reached.

A test run that was asked for PostgreSQL and Redis must not quietly fall back
to SQLite or skip the worker tests.
"""

import os
import sys

import dj_database_url
import psycopg
import redis


def main() -> int:
    problems = []
    if url := os.environ.get("DATABASE_URL"):
        config = dj_database_url.parse(url)
        if "postgresql" in config["ENGINE"]:
            try:
                psycopg.connect(
                    host=config["HOST"], port=config["PORT"] or 5432, user=config["USER"],
                    password=config["PASSWORD"], dbname="postgres", connect_timeout=5,
                ).close()
            except psycopg.Error as exc:
                problems.append(f"PostgreSQL at DATABASE_URL is not reachable: {exc}")
    if url := os.environ.get("REDIS_URL"):
        try:
            redis.Redis.from_url(url, socket_connect_timeout=5).ping()
        except redis.RedisError as exc:
            problems.append(f"Redis at REDIS_URL is not reachable: {exc}")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
