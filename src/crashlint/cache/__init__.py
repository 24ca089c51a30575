"""Both caches, one layer below the pipeline: per-file facts by content digest (`cache.facts`) and
the whole run's result by every input (`cache.results`). Nothing here imports the pipeline
(`crashlint.scan`): the stored result is `crashlint.result.ScanResult`, defined below both."""
