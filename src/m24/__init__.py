"""제조 AI 24 (Manufacturing AI 24): the one-stop portal backend for SME manufacturers moving to AI."""

__version__ = "0.1.0"
