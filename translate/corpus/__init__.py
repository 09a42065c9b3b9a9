"""The parallel corpus: articles with their published translations as three-way units.

- ``store``: the SQLite schema and access (WAL, versioned, one transaction per article);
- ``units``: an article and its references → three-way (ar, en, ru) units;
- ``ingest``: ``corpus add`` as a library call (hash, segment, translate, align, store);
- ``discover``: the articles of ``corpus build`` (files, directories, globs, JSONL manifests);
- ``runner``: ``corpus build``: many articles, checkpointed per article, local engine, sinks;
- ``ray_engine``: the same stages as a Ray Data pipeline (optional extra ``tarjama[ray]``);
- ``shards``: Parquet shards (one row per unit) and their import;
- ``samples``: sample article sets (NTREX-128 documents, fixture pair sentences);
- ``export``: TMX 1.4b, TSV, JSONL and Moses writers;
- ``stats``: counts, score distributions, bead types.

Nothing heavy is imported here: torch, the aligners and ray load only when an article is added.
"""
