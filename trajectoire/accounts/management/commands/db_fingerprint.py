"""Print, as JSON, the row count and a hash of a sample of rows of every table the application owns.

Used by the backup/restore drill (deploy/restore-drill.sh): the fingerprint of the restored database must
equal the original's. Hashes cover whole rows (every column, in primary-key order), never print them.
"""

import hashlib
import json

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection

SAMPLE_ROWS = 200


def table_fingerprint(model) -> dict:
    manager = model._base_manager
    count = manager.count()
    columns = [field.column for field in model._meta.concrete_fields]
    digest = hashlib.sha256()
    # The first and the last rows by primary key: a restore that loses or alters the tail shows here too.
    ordered = manager.order_by("pk").values_list(*[f.attname for f in model._meta.concrete_fields])
    sample = list(ordered[:SAMPLE_ROWS]) + list(ordered.reverse()[:SAMPLE_ROWS])
    for row in sample:
        digest.update(repr(tuple(str(value) for value in row)).encode())
    return {"table": model._meta.db_table, "columns": len(columns), "rows": count, "sample_sha256": digest.hexdigest()}


class Command(BaseCommand):
    help = "Empreinte (nombre de lignes et hachage d'un échantillon) de chaque table, en JSON."

    def handle(self, *args, **options):
        existing = set(connection.introspection.table_names())
        tables = {}
        for model in apps.get_models(include_auto_created=True):
            if model._meta.proxy or not model._meta.managed or model._meta.db_table not in existing:
                continue
            tables[model._meta.label_lower] = table_fingerprint(model)
        self.stdout.write(json.dumps({"vendor": connection.vendor, "tables": tables}, indent=1, sort_keys=True))
