"""The policy corpus: loading, cleaning, structuring, indexing and retrieving policy and law texts."""
