"""Root query fields, one module per pillar."""
