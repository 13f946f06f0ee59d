from datetime import date

from django_tasks import task

from trajectoire.cases.models import Accompaniment
from trajectoire.cases.retention import retention_apply


@task()
def apply_retention(*, accompaniment_id: int, on: str) -> dict[str, int]:
    """Destroy a finished case's working documents (enqueued at closure or abandonment)."""
    accompaniment = Accompaniment.objects.filter(pk=accompaniment_id).first()
    if accompaniment is None:
        return {}
    record = retention_apply(accompaniment=accompaniment, on=date.fromisoformat(on))
    return record.counts if record else {}
