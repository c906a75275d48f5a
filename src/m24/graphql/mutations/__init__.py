"""Root mutation fields. Expected failures are data: ``{ entity, errors: [{field, code, message}] }``."""
