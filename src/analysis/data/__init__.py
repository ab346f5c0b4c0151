"""Data stage: raw tables read as written, validated, and built into data/processed."""
