"""Benchmarks: `python -m dsconv.bench NAME [options]` runs `dsconv.bench.NAME.main(argv)`.

Speed and memory figures live here and in the README, never in timed tests.
"""
