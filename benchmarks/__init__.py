"""Speed benchmarks for DESIGN §6 (`make bench`, i.e. ``python -m benchmarks``).

Measurements, not tests: every benchmark returns numbers next to its budget and
the run exits 0 unless a benchmark itself crashed. Modules:

- ``bench_compute``: the convolution kernel against plain ``F.conv2d``.
- ``bench_rerun``: one Convolution page rerun through ``AppTest``.
- ``bench_browser``: slider key press to new output picture in real Chromium.
- ``bench_startup``: server spawn to the painted home page.
"""
