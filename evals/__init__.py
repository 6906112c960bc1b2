"""Evaluation suites: how good are tagging, retrieval and drafting, on which data, with what uncertainty."""
