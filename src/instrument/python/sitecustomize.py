# reprov's sitecustomize: put first on PYTHONPATH by `reprov record` (never installed).
#
# 1. Runs the sitecustomize this one shadows (Debian and Ubuntu ship one in /usr/lib/python3.X;
#    a virtual environment or a site may have its own): the next one found on sys.path after
#    this directory, as Python would have run it.
# 2. When REPROV_CHANNEL is set (by `reprov record`), turns the instrumentation on (reprov._boot).
#
# Nothing here may stop the program: every step is guarded; an internal error is reported once on
# stderr as `reprov: instrumentation error: ...` (and to the recorder as a note).


def _reprov_chain():
    import os
    import sys

    here = os.path.dirname(os.path.abspath(__file__))
    paths = []
    seen_ours = False
    for entry in sys.path:
        try:
            absolute = os.path.abspath(entry or os.curdir)
        except Exception:
            continue
        if absolute == here:
            seen_ours = True
            continue
        if not seen_ours:
            continue
        # Another copy of reprov's own directory (a record inside a record): not a user's sitecustomize.
        if os.path.exists(os.path.join(absolute, 'reprov', '_boot.py')):
            continue
        paths.append(entry)
    if not paths:
        return
    from importlib.machinery import PathFinder

    spec = PathFinder.find_spec('sitecustomize', paths)
    if spec is None or spec.loader is None:
        return
    module = type(sys)('sitecustomize')
    module.__file__ = spec.origin
    module.__spec__ = spec
    module.__loader__ = spec.loader
    if spec.submodule_search_locations is not None:
        module.__path__ = spec.submodule_search_locations
    try:
        spec.loader.exec_module(module)
    except Exception as error:
        # What site.py itself prints for a sitecustomize that fails.
        if sys.flags.verbose:
            sys.excepthook(*sys.exc_info())
        else:
            sys.stderr.write('Error in sitecustomize; set PYTHONVERBOSE for traceback:\n%s: %s\n' % (error.__class__.__name__, error))


def _reprov_report(where, error):
    try:
        import os

        os.write(2, ('reprov: instrumentation error: %s: %s: %s\n' % (where, error.__class__.__name__, error)).encode('utf-8', 'replace'))
    except Exception:
        pass


try:
    _reprov_chain()
except Exception as _error:  # the user's own sitecustomize errors are reported above, as site.py would
    _reprov_report('sitecustomize chaining', _error)

try:
    import os as _os

    if _os.environ.get('REPROV_CHANNEL'):
        from reprov import _boot as _reprov_boot

        _reprov_boot.activate()
except Exception as _error:
    _reprov_report('activation', _error)
