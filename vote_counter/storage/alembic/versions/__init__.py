"""The schema's revisions, one file each, numbered: revision "0007" follows "0006" (docs/MIGRATIONS.md)."""
