"""`python -m sanxiang.core.pgcheck URL` exits 0 when a PostgreSQL server answers at URL."""

import sys

import psycopg


def main(url: str) -> int:
    try:
        with psycopg.connect(url, dbname="postgres", connect_timeout=3) as conn:
            conn.execute("select 1")
    except psycopg.Error:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
