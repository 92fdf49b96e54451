"""The domain: every rule, permission check and write. The GUI and the CLI call these."""
