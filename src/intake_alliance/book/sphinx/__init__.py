"""The book's Sphinx extensions, listed under ``sphinx: extra_extensions`` in ``_config.yml``."""
