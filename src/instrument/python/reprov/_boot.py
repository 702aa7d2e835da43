# Turns the instrumentation on inside a process that `reprov record` runs (REPROV_CHANNEL set):
# seeds set (post-import patching), files opened (an audit hook), the exception that ended the
# run, and at exit the frameworks imported, the determinism settings in force, the devices used
# and the modules executed from the working directory.
#
# Rules every hook keeps: it never imports a module the program did not import, draws no random
# number, returns what the wrapped function returns, and never raises into the program (an error
# of its own goes to _core.internal_error).
import atexit
import os
import sys

from reprov import _core

_HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_started = [False]
_depth = [0]  # > 0 inside a hooked seed function: the calls it makes are its own
_seen_seeds = set()
_MISSING = object()


def activate():
    if _started[0]:
        return
    _started[0] = True
    path = os.environ.get('REPROV_CHANNEL')
    if not path or not _core.open_channel(path):
        return
    _guard('paths', _init_paths)
    _guard('start', lambda: _core.emit('start', python=sys.version.split()[0], executable=sys.executable, ppid=os.getppid(), cwd=os.getcwd()))
    _guard('PYTHONHASHSEED', _hash_seed)
    _guard('seed hooks', _install_import_hooks)
    _guard('audit hook', _install_audit_hook)
    _guard('excepthook', _install_excepthook)
    _guard('atexit', lambda: atexit.register(_at_exit))
    _guard('fork', _install_fork_handlers)


def _guard(where, action, *args):
    try:
        return action(*args)
    except Exception as error:
        _core.internal_error(where, error)


# --- where code and files are -------------------------------------------------------------------

_cwd = ''
_roots = ()  # directories whose files are recorded (the working directory, REPROV_DATA_ROOTS)
_excluded = ()  # directories never recorded (the Python installation, site-packages, the bundle, ...)
_library = ()  # directories whose frames are not the user's code
_channel = ['']  # the channel file itself


def _dir_prefix(path):
    path = os.path.abspath(path)
    return path if path.endswith(os.sep) else path + os.sep


def _init_paths():
    global _cwd, _roots, _excluded, _library
    _cwd = _dir_prefix(os.getcwd())
    roots = [_cwd]
    for root in os.environ.get('REPROV_DATA_ROOTS', '').split(os.pathsep):
        if root:
            roots.append(_dir_prefix(root))
    library = set()
    stdlib = os.path.dirname(os.__file__)
    library.add(_dir_prefix(stdlib))
    for entry in sys.path:
        if entry and ('site-packages' in entry or 'dist-packages' in entry or entry.endswith('.zip') or entry.endswith('lib-dynload')):
            library.add(_dir_prefix(entry))
    for prefix in {sys.prefix, sys.base_prefix, sys.exec_prefix, getattr(sys, 'base_exec_prefix', sys.exec_prefix)}:
        prefix = _dir_prefix(prefix)
        # A prefix holding the working directory (/usr for /usr/src/app) is not excluded whole.
        if not _cwd.startswith(prefix):
            library.add(prefix)
    _library = tuple(sorted(library))
    excluded = set(library)
    excluded.add(_dir_prefix(_HERE))
    bundle = os.environ.get('REPROV_BUNDLE_DIR')
    if bundle:
        excluded.add(_dir_prefix(bundle))
    _channel[0] = os.path.abspath(os.environ.get('REPROV_CHANNEL', ''))
    for special in ('/proc/', '/dev/', '/sys/'):
        excluded.add(special)
    _excluded = tuple(sorted(excluded))
    _roots = tuple(roots)


def _is_user_file(filename):
    return bool(filename) and filename[0] != '<' and not filename.startswith(_library) and not filename.startswith(_dir_prefix(_HERE))


def _call_site(skip):
    """(file, line) of the innermost frame of the user's code calling in (else the innermost caller outside reprov)."""
    try:
        frame = sys._getframe(skip)
    except ValueError:
        return None, None
    ours = _dir_prefix(_HERE)
    fallback = None
    while frame is not None:
        filename = frame.f_code.co_filename
        if not filename.startswith(ours):
            if fallback is None:
                fallback = frame
            if filename and filename[0] != '<' and not filename.startswith(_library):
                return os.path.abspath(filename), frame.f_lineno
        frame = frame.f_back
    if fallback is not None:
        return fallback.f_code.co_filename, fallback.f_lineno
    return None, None


# --- seeds --------------------------------------------------------------------------------------

def _hash_seed():
    value = os.environ.get('PYTHONHASHSEED')
    if value is not None:
        _core.emit('determinism', name='PYTHONHASHSEED', value=value)


def _seed_value(value):
    """The seed as the bundle holds it: an int (or text for str/bytes seeds); None for "from entropy"."""
    if value is None or value is _MISSING:
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return int(value)
    if hasattr(value, '__index__'):
        return int(value.__index__())
    if isinstance(value, (str, bytes, bytearray)):
        return value.decode('utf-8', 'replace') if not isinstance(value, str) else value
    entropy = getattr(value, 'entropy', None)  # numpy SeedSequence
    if isinstance(entropy, int):
        return entropy
    return None


def _record_seed(rng, via, value, skip, drawn_before=None):
    seed = _seed_value(value)
    if seed is None:
        return
    filename, lineno = _call_site(skip)
    key = (rng, seed, filename, lineno)
    if key in _seen_seeds:
        return
    _seen_seeds.add(key)
    fields = dict(rng=rng, value=seed, via=via, file=filename, line=lineno)
    if drawn_before is not None:
        fields['drawn_before'] = drawn_before
    _core.emit('seed', **fields)


# The state of each global generator when its module was imported, before the program could draw
# from it: at the generator's first seed, a different state means the program drew unseeded numbers
# first (a model initialised before `torch.manual_seed`). Reading a state draws nothing.
_STATE_READERS = {
    'python': lambda: sys.modules['random'].getstate(),
    'numpy': lambda: _numpy_state(sys.modules['numpy.random'].get_state()),
    'torch': lambda: bytes(sys.modules['torch'].get_rng_state().tolist()),
}
_initial_states = {}
_first_seed_checked = set()


def _numpy_state(state):
    return (state[0], state[1].tobytes()) + tuple(state[2:])


def _remember_state(rng):
    if rng not in _initial_states:
        _initial_states[rng] = _STATE_READERS[rng]()


def _drawn_before_first_seed(rng):
    """True/False at the first seed of a generator whose import-time state is known; None otherwise."""
    if rng in _first_seed_checked or rng not in _initial_states:
        return None
    _first_seed_checked.add(rng)
    try:
        return _STATE_READERS[rng]() != _initial_states.pop(rng)
    except Exception as error:
        _core.internal_error('state of ' + rng, error)
        return None


def _wrap_seed(owner, attribute, rng, via, argument='seed', position=0, from_result=False):
    original = getattr(owner, attribute, None)
    if original is None or getattr(original, '_reprov_original', None) is not None:
        return

    def wrapper(*args, **kwargs):
        if _depth[0]:
            return original(*args, **kwargs)
        drawn_before = _drawn_before_first_seed(rng) if rng in _initial_states else None
        _depth[0] += 1
        try:
            result = original(*args, **kwargs)
        finally:
            _depth[0] -= 1
        try:
            if from_result:
                value = result
            elif len(args) > position:
                value = args[position]
            else:
                value = kwargs.get(argument, _MISSING)
            _record_seed(rng, via, value, 2, drawn_before)
        except Exception as error:
            _core.internal_error(via, error)
        return result

    _install(owner, attribute, original, wrapper)


def _wrap_seeded_type(module, attribute, rng, via):
    """Records the seed a generator type is constructed with (numpy's RandomState(42), PCG64(42)).
    These are C types whose __init__ cannot be wrapped in place: the module's name is pointed at a
    subclass that records, and whose metaclass makes instances of the original still pass
    isinstance/issubclass checks against it. Instances pickle and copy as the original type. Only
    a construction called directly from the user's code is a seed the user chose (not a library's
    own generators)."""
    original = module.__dict__.get(attribute)
    if not isinstance(original, type) or getattr(original, '_reprov_original', None) is not None:
        return

    class _SameAsOriginal(type(original)):
        def __instancecheck__(cls, instance):
            return isinstance(instance, original)

        def __subclasscheck__(cls, subclass):
            return issubclass(subclass, original)

    def __init__(self, *args, **kwargs):
        original.__init__(self, *args, **kwargs)
        if _depth[0]:
            return
        try:
            if _is_user_file(sys._getframe(1).f_code.co_filename):
                _record_seed(rng, via, args[0] if args else kwargs.get('seed', _MISSING), 2)
        except Exception as error:
            _core.internal_error(via, error)

    namespace = {'__init__': __init__, '__slots__': (), '_reprov_original': original}
    for name in ('__module__', '__qualname__', '__doc__'):
        namespace[name] = getattr(original, name, None)
    setattr(module, attribute, _SameAsOriginal(original.__name__, (original,), namespace))


def _install(owner, attribute, original, wrapper):
    """Puts `wrapper` in place of `original`, looking like it (name, module, doc) and marked so it is never wrapped twice."""
    for name in ('__module__', '__name__', '__qualname__', '__doc__'):
        try:
            setattr(wrapper, name, getattr(original, name))
        except Exception:
            pass
    wrapper.__wrapped__ = original
    wrapper._reprov_original = original
    setattr(owner, attribute, wrapper)


def _wrap_writer(owner, attribute, position):
    """A function that writes a file by a path in C code (torch.save to a path: no audit event): tell it as written."""
    original = getattr(owner, attribute, None)
    if original is None or getattr(original, '_reprov_original', None) is not None:
        return

    def wrapper(*args, **kwargs):
        result = original(*args, **kwargs)
        try:
            target = args[position] if len(args) > position else kwargs.get('f')
            if isinstance(target, (str, bytes)) or hasattr(target, '__fspath__'):
                _seen_file(os.fsdecode(os.fspath(target)), True)
        except Exception as error:
            _core.internal_error('%s.%s' % (getattr(owner, '__name__', '?'), attribute), error)
        return result

    _install(owner, attribute, original, wrapper)


def _patch_random(module):
    _guard('state of random', _remember_state, 'python')
    _wrap_seed(module, 'seed', 'python', 'random.seed', argument='a')


_NUMPY_BIT_GENERATORS = ('MT19937', 'PCG64', 'PCG64DXSM', 'Philox', 'SFC64')


def _patch_numpy_random(module):
    _guard('state of numpy.random', _remember_state, 'numpy')
    _wrap_seed(module, 'seed', 'numpy', 'numpy.random.seed')
    _wrap_seed(module, 'default_rng', 'numpy', 'numpy.random.default_rng')
    _wrap_seeded_type(module, 'RandomState', 'numpy', 'numpy.random.RandomState')
    for name in _NUMPY_BIT_GENERATORS:
        _wrap_seeded_type(module, name, 'numpy', 'numpy.random.' + name)


def _patch_torch(module):
    _guard('state of torch', _remember_state, 'torch')
    _wrap_seed(module, 'manual_seed', 'torch', 'torch.manual_seed')
    random = sys.modules.get('torch.random')
    if random is not None:
        _wrap_seed(random, 'manual_seed', 'torch', 'torch.manual_seed')
    _wrap_writer(module, 'save', 1)
    _patch_first_step(module)
    cuda = sys.modules.get('torch.cuda')
    if cuda is not None:
        _wrap_seed(cuda, 'manual_seed', 'torch-cuda', 'torch.cuda.manual_seed')
        _wrap_seed(cuda, 'manual_seed_all', 'torch-cuda', 'torch.cuda.manual_seed_all')


def _patch_tensorflow(module):
    random = module.__dict__.get('random')
    if random is not None:
        _wrap_seed(random, 'set_seed', 'tensorflow', 'tensorflow.random.set_seed')


def _patch_keras(module):
    utils = module.__dict__.get('utils')
    if utils is not None:
        _wrap_seed(utils, 'set_random_seed', 'global', 'keras.utils.set_random_seed')


def _patch_transformers_trainer_utils(module):
    _wrap_seed(module, 'set_seed', 'global', 'transformers.set_seed')


def _patch_sklearn_validation(module):
    """scikit-learn turns every `random_state=` into a RandomState inside its own code (so the
    type's wrapper does not see it) through check_random_state, which is recorded. Only the first call from each
    line of the user's code is the seed the user gave: an ensemble's fit then calls it again from
    the same line with seeds it drew for its members (or, without a random_state, from entropy)."""
    original = getattr(module, 'check_random_state', None)
    if original is None or getattr(original, '_reprov_original', None) is not None:
        return
    sites = set()

    def wrapper(seed):
        result = original(seed)
        try:
            site = _call_site(2)
            if site not in sites:
                sites.add(site)
                _record_seed('sklearn', 'sklearn random_state', seed, 2)
        except Exception as error:
            _core.internal_error('sklearn random_state', error)
        return result

    _install(module, 'check_random_state', original, wrapper)


def _patch_seed_everything(module):
    _wrap_seed(module, 'seed_everything', 'global', 'seed_everything', from_result=True)


_POST_IMPORT = {
    'random': _patch_random,
    'numpy.random': _patch_numpy_random,
    'torch': _patch_torch,
    'tensorflow': _patch_tensorflow,
    'keras': _patch_keras,
    'transformers.trainer_utils': _patch_transformers_trainer_utils,
    'sklearn.utils.validation': _patch_sklearn_validation,
    'lightning.fabric.utilities.seed': _patch_seed_everything,
    'lightning_fabric.utilities.seed': _patch_seed_everything,
    'pytorch_lightning.utilities.seed': _patch_seed_everything,
}


class _PostImportFinder(object):
    """A meta path finder that finds nothing itself: for the modules of _POST_IMPORT it asks the
    other finders, and patches the module once its loader has executed it."""

    def __init__(self):
        self._busy = set()

    def find_spec(self, name, path=None, target=None):
        patch = _POST_IMPORT.get(name)
        if patch is None or name in self._busy:
            return None
        self._busy.add(name)
        try:
            spec = None
            for finder in sys.meta_path:
                if finder is self:
                    continue
                find = getattr(finder, 'find_spec', None)
                if find is None:
                    continue
                spec = find(name, path, target)
                if spec is not None:
                    break
        except Exception as error:
            _core.internal_error('finding ' + name, error)
            return None
        finally:
            self._busy.discard(name)
        if spec is None or spec.loader is None or not hasattr(spec.loader, 'exec_module'):
            return spec
        loader = spec.loader
        original = loader.exec_module

        def exec_module(module):
            try:
                del loader.exec_module  # once: a loader shared by several modules (zipimport) is left as it was
            except Exception:
                pass
            original(module)
            if getattr(module, '__name__', None) == name:
                _guard('patching ' + name, patch, module)

        try:
            loader.exec_module = exec_module
        except Exception:
            pass
        return spec

    def invalidate_caches(self):
        pass


def _install_import_hooks():
    for name, patch in _POST_IMPORT.items():
        module = sys.modules.get(name)
        if module is not None:
            _guard('patching ' + name, patch, module)
    sys.meta_path.insert(0, _PostImportFinder())


# --- files --------------------------------------------------------------------------------------

_seen_paths = set()
_seen_raw = set()
_dir_counts = {}
_dirs_reported = set()
_DIR_LIMIT = 100
_SKIPPED_SUFFIXES = ('.py', '.pyc', '.pyo', '.pyd', '.so', '.pth')


def _install_audit_hook():
    global _DIR_LIMIT
    limit = os.environ.get('REPROV_DIR_LIMIT')
    if limit and limit.isdigit():
        _DIR_LIMIT = max(1, int(limit))
    if hasattr(sys, 'addaudithook'):
        sys.addaudithook(_audit)


def _audit(event, args, _seen=_seen_raw):
    # Called for every audit event of the process: the common case (another event, or a file
    # opened again the same way) is one comparison and one set lookup, with no call made.
    if event == 'open':
        try:
            if args in _seen:
                return
            _seen.add(args)
        except TypeError:  # an unhashable path-like: not remembered, still reported
            pass
        _opened(args)


def _opened(args):
    try:
        path, mode, flags = args
        if path.__class__ is not str:
            if path is None or isinstance(path, int):
                return
            path = os.fsdecode(path)
        if mode is None:
            write = bool(flags & (os.O_WRONLY | os.O_RDWR)) if isinstance(flags, int) else False
        else:
            write = 'w' in mode or 'a' in mode or 'x' in mode or '+' in mode
        _seen_file(path, write)
    except Exception as error:
        _core.internal_error('audit hook', error)


def _seen_file(path, write):
    key = (path, write)
    if key in _seen_paths:
        return
    _seen_paths.add(key)
    _file_opened(path, write)


def _file_opened(path, write):
    if path.endswith(_SKIPPED_SUFFIXES):
        return
    absolute = os.path.abspath(path)
    if not absolute.startswith(_roots) or absolute.startswith(_excluded):
        return
    if '/__pycache__/' in absolute or '/.git/' in absolute or absolute == _channel[0]:
        return
    mode = 'w' if write else 'r'
    parent = os.path.dirname(absolute)
    key = (parent, mode)
    if key in _dirs_reported:
        return
    count = _dir_counts.get(key, 0) + 1
    _dir_counts[key] = count
    if count > _DIR_LIMIT:
        _dirs_reported.add(key)
        _core.emit_later('dir', path=parent, mode=mode)
        return
    _core.emit_later('file', path=absolute, mode=mode)


# --- the exception that ended the run ------------------------------------------------------------

def _install_excepthook():
    previous = sys.excepthook

    def excepthook(kind, value, traceback):
        try:
            _record_exception(kind, value, traceback)
        except Exception as error:
            _core.internal_error('excepthook', error)
        return previous(kind, value, traceback)

    sys.excepthook = excepthook


def _record_exception(kind, value, traceback):
    filename = lineno = None
    innermost = None
    while traceback is not None:
        frame_file = traceback.tb_frame.f_code.co_filename
        innermost = (frame_file, traceback.tb_lineno)
        if _is_user_file(frame_file):
            filename, lineno = os.path.abspath(frame_file), traceback.tb_lineno
        traceback = traceback.tb_next
    if filename is None and innermost is not None:
        filename, lineno = innermost
    try:
        message = str(value)
    except Exception:
        message = ''
    name = getattr(kind, '__qualname__', None) or getattr(kind, '__name__', str(kind))
    module = getattr(kind, '__module__', None)
    if module and module != 'builtins':
        name = module + '.' + name
    _core.emit('exception', exception=name, message=message[:1000], file=filename, line=lineno)


# --- at exit --------------------------------------------------------------------------------------

_FRAMEWORKS = (
    ('torch', 'torch'), ('numpy', 'numpy'), ('tensorflow', 'tensorflow'), ('keras', 'keras'), ('jax', 'jax'),
    ('transformers', 'transformers'), ('sklearn', 'scikit-learn'), ('lightning', 'lightning'),
    ('pytorch_lightning', 'pytorch-lightning'), ('scipy', 'scipy'), ('pandas', 'pandas'),
)
_DETERMINISM_VARIABLES = ('CUBLAS_WORKSPACE_CONFIG', 'TF_DETERMINISTIC_OPS', 'TF_CUDNN_DETERMINISTIC', 'PYTHONHASHSEED')
_initial_environ = dict((name, os.environ.get(name)) for name in _DETERMINISM_VARIABLES)
_exited = [False]


def _at_exit():
    if _exited[0]:
        return
    _exited[0] = True
    _guard('frameworks', _report_frameworks)
    _guard('determinism', _report_determinism)
    _guard('devices', _report_devices)
    _guard('modules', _report_modules)
    _core.flush()
    _guard('exit', lambda: _core.emit('exit'))


def _report_frameworks():
    for module_name, name in _FRAMEWORKS:
        module = sys.modules.get(module_name)
        if module is None:
            continue
        version = getattr(module, '__version__', None)
        if version is not None:
            _core.emit('framework', name=name, version=str(version))


def _text(value):
    return value if isinstance(value, str) else ('true' if value else 'false')


def _determinism_settings():
    """[(name, value)] of the determinism switches in force now, read from modules already imported."""
    settings = []
    torch = sys.modules.get('torch')
    if torch is not None:
        enabled = getattr(torch, 'are_deterministic_algorithms_enabled', None)
        deterministic = bool(enabled()) if enabled is not None else None
        if deterministic is not None:
            settings.append(('torch.use_deterministic_algorithms', deterministic))
        backends = sys.modules.get('torch.backends.cudnn')
        if backends is not None:
            settings.append(('torch.backends.cudnn.benchmark', bool(backends.benchmark)))
            # Switched off, cuDNN's flag matters only when CUDA ran and deterministic algorithms were not forced.
            cuda = sys.modules.get('torch.cuda')
            cuda_ran = cuda is not None and getattr(cuda, 'is_initialized', lambda: False)()
            if backends.deterministic or (cuda_ran and not deterministic):
                settings.append(('torch.backends.cudnn.deterministic', bool(backends.deterministic)))
    tensorflow = sys.modules.get('tensorflow')
    if tensorflow is not None:
        experimental = getattr(getattr(tensorflow, 'config', None), 'experimental', None)
        check = getattr(experimental, 'is_op_determinism_enabled', None)
        if check is not None:
            settings.append(('tensorflow.config.experimental.enable_op_determinism', bool(check())))
    return [(name, _text(value)) for name, value in settings]


_first_step = []  # the settings at the first backward pass: those that governed training


def _at_first_step():
    if not _first_step:
        _first_step.append(_determinism_settings())


def _patch_first_step(module):
    """torch.Tensor.backward and torch.autograd.backward, wrapped until the first call of either:
    the first backward pass is the first training step, and after it they are the originals again."""
    installed = []

    def restore():
        for owner, name, original in installed:
            setattr(owner, name, original)
        del installed[:]

    def wrap(owner, name):
        original = owner.__dict__.get(name)
        if original is None or getattr(original, '_reprov_original', None) is not None:
            return

        def wrapper(*args, **kwargs):
            restore()
            _guard('determinism at the first step', _at_first_step)
            return original(*args, **kwargs)

        _install(owner, name, original, wrapper)
        installed.append((owner, name, original))

    for owner in (getattr(module, 'Tensor', None), sys.modules.get('torch.autograd')):
        if owner is not None:
            wrap(owner, 'backward')


def _report_determinism():
    # Variables the program set or changed itself (those set before are the recorder's to see).
    for name in _DETERMINISM_VARIABLES:
        value = os.environ.get(name)
        if value is not None and value != _initial_environ.get(name):
            _core.emit('determinism', name=name, value=value, set='program')
    at_exit = _determinism_settings()
    if not _first_step:
        for name, value in at_exit:
            _core.emit('determinism', name=name, value=value)
        return
    first = dict(_first_step[0])
    for name, value in _first_step[0]:
        _core.emit('determinism', name=name, value=value, at='first step')
    for name, value in at_exit:
        if name not in first:
            _core.emit('determinism', name=name, value=value)
        elif first[name] != value:
            _core.emit('note', text='%s was %s at the first training step and %s at exit: the first is recorded' % (name, first[name], value))


def _report_devices():
    torch = sys.modules.get('torch')
    if torch is None:
        return
    version = getattr(torch, 'version', None)
    cuda = sys.modules.get('torch.cuda')
    # Never initialise CUDA the program did not use.
    if cuda is None or not getattr(cuda, 'is_initialized', lambda: False)():
        if getattr(version, 'cuda', None):
            _core.emit('device', framework='torch', cuda=str(version.cuda), initialized=False)
        return
    devices = []
    count = cuda.device_count()
    for index in range(count):
        major, minor = cuda.get_device_capability(index)
        devices.append({'index': index, 'name': cuda.get_device_name(index), 'capability': '%d.%d' % (major, minor)})
    cudnn = None
    backends = sys.modules.get('torch.backends.cudnn')
    if backends is not None:
        try:
            cudnn = backends.version()
        except Exception:
            cudnn = None
    _core.emit('device', framework='torch', cuda=getattr(version, 'cuda', None), cudnn=None if cudnn is None else str(cudnn), initialized=True, count=count, devices=devices)


def _report_modules():
    files = []
    candidates = [getattr(module, '__file__', None) for module in list(sys.modules.values())]
    # Python removes __main__.__file__ once the script has run: the script is argv[0].
    main = sys.modules.get('__main__')
    spec = getattr(main, '__spec__', None)
    if spec is not None and getattr(spec, 'origin', None):
        candidates.append(spec.origin)
    elif sys.argv and sys.argv[0] and sys.argv[0] not in ('-c', '-m', '-'):
        candidates.append(os.path.join(_cwd, sys.argv[0]))
    for filename in candidates:
        if not isinstance(filename, str):
            continue
        absolute = os.path.abspath(filename)
        if absolute.startswith(_cwd) and not absolute.startswith(_excluded) and absolute.endswith('.py'):
            files.append(absolute)
    if files:
        files = sorted(set(files))
        _core.emit('modules', files=files[:5000], count=len(files))


# --- processes ----------------------------------------------------------------------------------

def _install_fork_handlers():
    if hasattr(os, 'register_at_fork'):
        os.register_at_fork(after_in_child=_core.after_fork_in_child)
    _POST_IMPORT['multiprocessing.util'] = _patch_multiprocessing
    module = sys.modules.get('multiprocessing.util')
    if module is not None:
        _patch_multiprocessing(module)


class _Anchor(object):
    pass


_anchor = _Anchor()


def _patch_multiprocessing(util):
    # A forked multiprocessing child (a DataLoader worker) ends with os._exit: atexit does not run
    # there, but multiprocessing's finalizers do. Register one in each child, after the fork.
    def in_child(_anchor):
        util.Finalize(None, _child_exit, exitpriority=-100)

    util.register_after_fork(_anchor, in_child)


def _child_exit():
    _guard('worker exit', _core.flush)
