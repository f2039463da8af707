"""Worker tests share the fixtures of tests/conftest.py; their helpers live in tests/workers.py."""
