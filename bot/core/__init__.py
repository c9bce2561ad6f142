"""Core domain logic: pure, framework-free building blocks."""
