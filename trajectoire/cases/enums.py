from django.db import models


class EmploymentStatus(models.TextChoices):
    PRIVATE_EMPLOYEE = "private_employee", "salarié du privé"
    JOB_SEEKER = "job_seeker", "demandeur d'emploi"
    SELF_EMPLOYED = "self_employed", "indépendant"
    PUBLIC_AGENT = "public_agent", "agent public"
    OTHER = "other", "autre"
