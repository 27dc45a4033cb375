"""Data passes beyond memory: Dask collections (:mod:`ridgeway.scale.dask`).

The submodules import their optional dependencies themselves; importing this package imports
none of them.
"""
