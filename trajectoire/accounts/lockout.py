def username_of(request, credentials) -> str | None:
    """The key django-axes counts failures under: the e-mail as typed, in lower case, so that
    "Claire@..." and "claire@..." share one counter."""
    source = credentials if credentials else getattr(request, "POST", {})
    value = source.get("username") if source else None
    return value.strip().lower() if isinstance(value, str) else None
