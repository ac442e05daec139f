"""KPO Advisor's performance suite (`make bench`): each area measured against a baseline run beside it.

`python -m bench.run` boots its own embedded database under `.data/bench`, runs the engine, request,
scale and throughput benchmarks, and writes `docs/performance.md` and `docs/performance.json`.
"""
