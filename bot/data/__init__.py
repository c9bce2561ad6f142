"""Packaged reference data (communes, etc.)."""
