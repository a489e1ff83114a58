"""Quality evaluations behind `assistant eval ...`: retrieval (index), drafting, check (review).

Above the stages: evaluations may use any stage and the service; only the CLI imports them.
Speed benchmarks live in ``benchmarks/`` (``assistant bench`` runs benchmarks/index_bench.py).
"""
