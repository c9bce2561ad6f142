"""Test helpers shared by the core tests (real objects, no mocks)."""
