"""Benchmarks and bounded fuzz runs (scripts; bench/fuzz_web.py reuses bench/fuzz_chat.py's loop)."""
