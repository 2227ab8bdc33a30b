"""Virtual screening: a candidate space (YAML), enumerated lazily, predicted in partitions on Dask, ranked honestly."""
