"""Trigram indexes for the lists' search box on the big sales tables (PostgreSQL only).

The search box asks ``UPPER(column) LIKE UPPER('%term%')`` of each searched column; a B-tree
cannot answer a term in the middle of a value, so a rare term read all 300,000 leads (190 ms).
A GIN index over the column's trigrams answers it, and PostgreSQL combines one per column.
Where pg_trgm is not installed the indexes are left out: search still works, only slower.
"""

from django.db import migrations

# (index, table, column): the columns the lists search (sales/filters.py ``search_fields``).
INDEXES = [
    ("account_name_trgm", "sales_account", "name"),
    ("account_number_trgm", "sales_account", "number"),
    ("lead_company_trgm", "sales_lead", "company_name"),
    ("lead_number_trgm", "sales_lead", "number"),
    ("lead_contact_trgm", "sales_lead", "contact_name"),
    ("lead_email_trgm", "sales_lead", "contact_email"),
    ("opportunity_name_trgm", "sales_opportunity", "name"),
    ("opportunity_number_trgm", "sales_opportunity", "number"),
    ("quote_number_trgm", "sales_quote", "number"),
]
# (index, table, column): the columns searched for exactly the text (``=vat_number``).
EXACT = [("account_vat_upper", "sales_account", "vat_number")]


def trigram_available(schema_editor) -> bool:
    if schema_editor.connection.vendor != "postgresql":
        return False
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        return cursor.fetchone() is not None


def create(apps, schema_editor):
    if not trigram_available(schema_editor):
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )
    for name, table, column in EXACT:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ((UPPER("{column}"::text)))'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES + EXACT:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("sales", "0018_list_sort_indexes")]

    # Indexes, not rows: a flush keeps them, so the tests' restore of data migrations skips this.
    operations = [migrations.RunPython(create, drop, elidable=False, hints={"schema_only": True})]
