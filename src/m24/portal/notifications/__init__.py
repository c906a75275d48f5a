"""Notifications to people, through an outbox delivered by a workflow task."""
