"""Meeting forms, one module per area (scheduling, records, oversight)."""
