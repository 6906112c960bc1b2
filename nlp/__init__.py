"""Language processing for fuqing: normalisation, segmentation, privacy redaction and needs tagging.

Knows nothing about HTTP or storage layout; callers pass settings and data in.
"""
