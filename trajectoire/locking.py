"""Optimistic locking shared by every editable record that holds personal data.

A record carries a `version`; a form sends back the version it was opened on; the save is a conditional
UPDATE (`WHERE version = base`) that bumps it. Zero rows updated means someone saved in between: the save is
refused, nothing is written, and the user keeps their input (the view shows the other person's values).
"""

from django.db import models


class Versioned(models.Model):
    """Abstract base: adds the version counter used by the conditional update."""

    version = models.PositiveIntegerField("version", default=1, editable=False)

    class Meta:
        abstract = True
