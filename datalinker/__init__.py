"""datalinker: links wearable sensor chunks to recording sessions inside PostgreSQL."""

__version__ = "0.1.0"
