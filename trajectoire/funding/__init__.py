"""Funding glue of the schemes engine: stored evaluations of a case, facts taken from the case, pages and API."""
