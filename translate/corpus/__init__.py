"""The parallel corpus: articles with their published translations as three-way units.

- ``store``: the SQLite schema and access (WAL, versioned, one transaction per article);
- ``build``: an article and its references → three-way (ar, en, ru) units;
- ``ingest``: ``corpus add`` as a library call (hash, segment, translate, align, store);
- ``export``: TMX 1.4b, TSV, JSONL and Moses writers;
- ``stats``: counts, score distributions, bead types.

Nothing heavy is imported here: torch and the aligners load only when an article is added.
"""
