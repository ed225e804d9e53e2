"""The portal's Chinese substring search over published decisions (DESIGN.md: search), with the
index each engine offers:

* SQLite — an FTS5 table with the trigram tokenizer, kept in step with `search_text` by triggers
  (external-content table: the text is stored once);
* PostgreSQL — the pg_trgm extension and a GIN trigram index on `search_text`, which `LIKE`/`ILIKE`
  '%…%' patterns of three or more characters use.

Other engines get no index; the search falls back to a plain scan (publicity/search.py).
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE publicity_decision_fts USING fts5(
           search_text, content='publicity_publicdecision', content_rowid='id', tokenize='trigram')""",
    """CREATE TRIGGER publicity_decision_fts_ai AFTER INSERT ON publicity_publicdecision BEGIN
           INSERT INTO publicity_decision_fts(rowid, search_text) VALUES (new.id, new.search_text);
       END""",
    """CREATE TRIGGER publicity_decision_fts_ad AFTER DELETE ON publicity_publicdecision BEGIN
           INSERT INTO publicity_decision_fts(publicity_decision_fts, rowid, search_text)
           VALUES ('delete', old.id, old.search_text);
       END""",
    """CREATE TRIGGER publicity_decision_fts_au AFTER UPDATE OF search_text ON publicity_publicdecision BEGIN
           INSERT INTO publicity_decision_fts(publicity_decision_fts, rowid, search_text)
           VALUES ('delete', old.id, old.search_text);
           INSERT INTO publicity_decision_fts(rowid, search_text) VALUES (new.id, new.search_text);
       END""",
    "INSERT INTO publicity_decision_fts(publicity_decision_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS publicity_decision_fts_au",
    "DROP TRIGGER IF EXISTS publicity_decision_fts_ad",
    "DROP TRIGGER IF EXISTS publicity_decision_fts_ai",
    "DROP TABLE IF EXISTS publicity_decision_fts",
]
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """CREATE INDEX IF NOT EXISTS publicity_decision_trgm
           ON publicity_publicdecision USING gin (search_text gin_trgm_ops)""",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS publicity_decision_trgm"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("publicity", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
