"""nq57lib: sourced public statistics, projections and budget arithmetic for Resolution 57-NQ/TW.

Importing the package is cheap: pandas, numpy, matplotlib and statsmodels load only when a
submodule that needs them is first used (``nq57lib.data_package``, ``nq57lib.share_projection``, ...).
"""

__all__ = ["__version__"]


def __getattr__(name: str) -> str:
    """``__version__``, read from the installed metadata on first use (importlib.metadata costs ~0.08 s)."""
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        value = version("nq57lib")
    except PackageNotFoundError:  # running from a source tree that is not installed
        value = "0.0.0+unknown"
    globals()["__version__"] = value
    return value
