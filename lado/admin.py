"""LADO records are not in the admin: administrators manage users, not case records
(DOMAIN.md A3)."""
