"""nq57lib: sourced public statistics, projections and budget arithmetic for Resolution 57-NQ/TW.

Importing the package is cheap: pandas, numpy, matplotlib and statsmodels load only when a
submodule that needs them is first used (``nq57lib.data``, ``nq57lib.share_projection``, ...).
"""

from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("nq57lib")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
