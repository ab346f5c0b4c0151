"""Runs inside a warm kernel: remember the state right after preloading, and put it back before each notebook.

A warm kernel (see ``warm.py``) runs many notebooks one after another. Before each one, ``restore`` brings
back everything a notebook can change that a fresh kernel would not have: the user namespace and execution
counter, matplotlib's figures and rcParams (and the inline backend's settings), pandas options, warnings
filters, environment variables, ``sys.path``, the working directory, the random number generators, and
the package's own caches.
"""

from __future__ import annotations

import copy
import gc
import os
import random
import sys
import warnings

_SAVED: dict = {}


def _pandas_options() -> dict:
    import pandas as pd
    from pandas._config import config as pdc

    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for key in pdc._registered_options:
            if key in pdc._deprecated_options:
                continue
            try:
                out[key] = pd.get_option(key)
            except Exception:  # an option that cannot be read is not restored either
                pass
    return out


def _inline_backend():
    try:
        from matplotlib_inline.config import InlineBackend

        return InlineBackend.instance() if InlineBackend.initialized() else None
    except ImportError:
        return None


def snapshot() -> None:
    """Remember the state to return to before every notebook (call once, after preloading)."""
    import matplotlib
    import numpy as np

    _SAVED.clear()
    inline = _inline_backend()
    _SAVED.update(
        rc=copy.deepcopy(dict(matplotlib.rcParams)),
        pandas=_pandas_options(),
        warnings=list(warnings.filters),
        environ=dict(os.environ),
        path=list(sys.path),
        np_random=np.random.get_state(),
        py_random=random.getstate(),
        inline={k: copy.deepcopy(getattr(inline, k)) for k in inline.trait_names(config=True)} if inline else {},
    )
    # the preloaded libraries are never freed: out of the garbage collector's sight, each notebook's collections
    # (and the full one IPython runs at every reset, 0.1 s) walk only what the notebooks made
    gc.collect()
    gc.freeze()


def restore(cwd: str) -> None:
    """Return to the snapshot and move to ``cwd``; raise if ``snapshot`` was never called."""
    import matplotlib
    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd
    from IPython import get_ipython

    if not _SAVED:
        raise RuntimeError("kernel_state.restore called before snapshot")
    plt.close("all")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        matplotlib.rcParams.clear()
        matplotlib.rcParams.update(copy.deepcopy(_SAVED["rc"]))
        for key, value in _SAVED["pandas"].items():
            try:
                pd.set_option(key, value)
            except Exception:
                pass
    warnings.filters[:] = _SAVED["warnings"]
    warnings._filters_mutated()
    os.environ.clear()
    os.environ.update(_SAVED["environ"])
    sys.path[:] = _SAVED["path"]
    np.random.set_state(_SAVED["np_random"])
    random.setstate(_SAVED["py_random"])
    inline = _inline_backend()
    for key, value in _SAVED["inline"].items():
        if inline is not None and getattr(inline, key) != value:
            setattr(inline, key, copy.deepcopy(value))
    for name, module in list(sys.modules.items()):  # the package's caches (catalogues, citation, ...)
        if name.startswith("analysis") and module is not None:
            for obj in list(vars(module).values()):
                if callable(getattr(obj, "cache_clear", None)) and getattr(obj, "__module__", "") == name:
                    obj.cache_clear()
    os.chdir(cwd)
    ip = get_ipython()
    if ip is not None:
        ip.reset(new_session=True)  # empty namespace, execution counter back to 1
