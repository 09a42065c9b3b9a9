"""Models: finding and storing them, converting them, and building fixture models offline.

Kept import-light on purpose: the CLI imports this package for ``--help``, so nothing here
pulls in torch, transformers or ctranslate2; the submodules import them inside functions.
"""
