"""Celery workflows: the app, the per-process runtime, the after-commit publisher and the tasks."""
