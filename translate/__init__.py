"""tarjama: Arabic news articles into English and Russian with MarianMT.

The package is importable without torch: heavy libraries are imported only by the modules that
need them (engines, fixtures, embeddings), so ``tarjama --help`` stays instant.
"""

__version__ = "0.1.0"
