"""reprov's in-process side: what `reprov record` learns from inside a Python program.

Put on PYTHONPATH by `reprov record` (nothing is installed). Inside a recorded run:

    import reprov
    reprov.log_params({"optimizer": {"lr": 0.001}, "epochs": 5})   # optimizer.lr, epochs
    with reprov.context("validation"):
        reprov.log_metric("loss", 0.25, step=100, epoch=1)
    reprov.log_model("model.pt")

Outside a recorded run every call does nothing (and says so once on stderr).
See docs/python.md in the reprov package.
"""
import os as _os

from reprov import _core
from reprov._core import (  # noqa: F401
    active, context, flush, log_artifact, log_input, log_metric, log_model, log_output, log_param,
    log_params, log_seed,
)

__all__ = [
    'active', 'context', 'flush', 'log_artifact', 'log_input', 'log_metric', 'log_model', 'log_output',
    'log_param', 'log_params', 'log_seed',
]
__version__ = '1'

# Imported in a recorded process where sitecustomize did not run (another sitecustomize first on
# the path, `python -S`): turn the instrumentation on now.
if not _core.active() and _os.environ.get('REPROV_CHANNEL'):
    try:
        from reprov import _boot

        _boot.activate()
    except Exception as _error:  # pragma: no cover
        _core.internal_error('activation', _error)
