"""The JSON API at /api/v1/: filing and tracking for the public, case work for staff.

Everything goes through the complaint selectors and services; this app adds only what an HTTP API
needs on top of them (schemas, authentication, error shapes, idempotency and rate limits).
"""
