# The channel writer and the logging API. Pure Python 3.8+, standard library only, cheap to import.
#
# Each line written to the channel (the file named by REPROV_CHANNEL, opened O_APPEND) is one JSON
# object: {"v": 1, "pid": <process id>, "type": "<event>", ...}. Whole lines are written with one
# write(2) each (batches of lines up to 64 KiB), so processes appending at once do not mix their
# lines. The format is documented in docs/python.md ("The channel").
import os
import sys
import time

PROTOCOL = 1

try:  # CPython's C string escaper (what json uses); a pure-Python one elsewhere.
    from _json import encode_basestring_ascii as _escape
except ImportError:  # pragma: no cover
    _ESCAPES = {'"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f'}

    def _escape(text):
        out = []
        for ch in text:
            if ch in _ESCAPES:
                out.append(_ESCAPES[ch])
            elif ord(ch) < 0x20 or ord(ch) > 0x7E:
                code = ord(ch)
                if code > 0xFFFF:
                    code -= 0x10000
                    out.append('\\u%04x\\u%04x' % (0xD800 | (code >> 10), 0xDC00 | (code & 0x3FF)))
                else:
                    out.append('\\u%04x' % code)
            else:
                out.append(ch)
        return '"' + ''.join(out) + '"'


def _number(value):
    """A JSON number; NaN and infinities (not JSON) as the strings "NaN", "Infinity", "-Infinity"."""
    if value.__class__ is int:
        return str(value)
    text = repr(float(value))
    if text[-1] in 'nf':  # nan, inf, -inf
        return '"NaN"' if text == 'nan' else '"Infinity"' if text == 'inf' else '"-Infinity"'
    return text


def encode(value):
    """JSON text of None, bool, int, float, str, list/tuple and dict (str keys); anything else as its str()."""
    if value is None:
        return 'null'
    if value is True:
        return 'true'
    if value is False:
        return 'false'
    if isinstance(value, str):
        return _escape(value)
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, (list, tuple)):
        return '[' + ','.join([encode(item) for item in value]) + ']'
    if isinstance(value, dict):
        return '{' + ','.join([_escape(str(key)) + ':' + encode(item) for key, item in value.items()]) + '}'
    return _escape(str(value))


# --- state --------------------------------------------------------------------------------------

_fd = -1  # the channel, once open
_pid = os.getpid()
_head = ''  # '{"v":1,"pid":<pid>,"type":' for this process
_points = []  # buffered metric points: (name, value, step, epoch, context, time)
_append = _points.append
_lines = []  # buffered lines (files seen)
_FLUSH_POINTS = 2000
_FLUSH_LINES = 256
_FLUSH_SECONDS = 2.0
_next_flush = 0.0
_time = time.time
_contexts = ['training']
_reported = [False]  # an internal error was reported on stderr
_given_up = [False]  # the channel could not be opened or written: the calls are dropped silently
_notes = [0]
_warned = set()
_MAX_NOTES = 20


def _set_head():
    global _head
    _head = '{"v":%d,"pid":%d,"type":' % (PROTOCOL, _pid)


_set_head()


def active():
    """True inside `reprov record` (the channel is open)."""
    return _fd >= 0


def open_channel(path):
    """Opens the channel for appending; False (and one line on stderr) when it cannot be."""
    global _fd, _next_flush
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, 'O_CLOEXEC', 0), 0o600)
    except OSError as error:
        _given_up[0] = True
        internal_error('cannot open the channel %s' % path, error)
        return False
    _fd = fd
    _next_flush = _time() + _FLUSH_SECONDS
    return True


def _write(data):
    global _fd
    if _fd < 0:
        return
    try:
        view = memoryview(data)
        while view:
            written = os.write(_fd, view)
            view = view[written:]
    except OSError as error:
        fd, _fd = _fd, -1  # a channel that fails once is given up: the program goes on without it
        _given_up[0] = True
        try:
            os.close(fd)
        except OSError:
            pass
        internal_error('cannot write to the channel', error)


def _write_lines(lines):
    """Writes whole lines, in chunks of at most 64 KiB ending at a line end."""
    chunk = []
    size = 0
    for line in lines:
        if size and size + len(line) > 65536:
            _write(''.join(chunk).encode('utf-8', 'replace'))
            chunk = []
            size = 0
        chunk.append(line)
        size += len(line)
    if chunk:
        _write(''.join(chunk).encode('utf-8', 'replace'))


def line(kind, fields):
    """One channel line (with its newline) for an event of `kind` with `fields` (a dict)."""
    parts = [_head, _escape(kind)]
    for key, value in fields.items():
        if value is not None:
            parts.append(',' + _escape(key) + ':' + encode(value))
    parts.append('}\n')
    return ''.join(parts)


def emit(kind, **fields):
    """Writes one event now (rare events: parameters, seeds, facts)."""
    if _fd < 0:
        return
    _write(line(kind, fields).encode('utf-8', 'replace'))


def emit_later(kind, **fields):
    """Buffers one event (frequent ones: files seen); written with the metrics."""
    if _fd < 0:
        return
    _lines.append(line(kind, fields))
    if len(_lines) >= _FLUSH_LINES:
        flush()


def flush():
    """Writes the buffered metric points and events."""
    global _next_flush
    _next_flush = _time() + _FLUSH_SECONDS
    if _fd < 0:
        del _points[:]
        del _lines[:]
        return
    try:
        pending = _lines[:]
        del _lines[:]
        if _points:
            points = _points[:]
            del _points[:]
            names = {}
            for start in range(0, len(points), 1000):
                out = []
                for name, value, step, epoch, context, at in points[start:start + 1000]:
                    quoted = names.get(name)
                    if quoted is None:
                        quoted = names[name] = _escape(name if name.__class__ is str else str(name))
                    out.append('[%s,%s,%s,%s,%s,%s]' % (
                        quoted, _number(value),
                        'null' if step is None else _number(step if step.__class__ is int else int(step)),
                        'null' if epoch is None else _number(epoch if epoch.__class__ is int else int(epoch)),
                        _escape(context if context.__class__ is str else str(context)), repr(at)))
                pending.append('%s"metrics","points":[%s]}\n' % (_head, ','.join(out)))
        if pending:
            _write_lines(pending)
    except Exception as error:
        internal_error('flush', error)


def after_fork_in_child():
    """A forked child starts with its parent's buffers: they are the parent's to write."""
    global _pid
    _pid = os.getpid()
    _set_head()
    del _points[:]
    del _lines[:]


def internal_error(where, error):
    """Reports an error of the instrumentation: once on stderr, and (a few) as notes on the channel."""
    text = '%s: %s: %s' % (where, error.__class__.__name__, error)
    if not _reported[0]:
        _reported[0] = True
        try:
            os.write(2, ('reprov: instrumentation error: %s\n' % text).encode('utf-8', 'replace'))
        except Exception:
            pass
    if _fd >= 0 and _notes[0] < _MAX_NOTES:
        _notes[0] += 1
        try:
            _write(line('note', {'level': 'error', 'text': 'instrumentation error: ' + text}).encode('utf-8', 'replace'))
        except Exception:
            pass


def warn_once(key, message):
    if key in _warned:
        return
    _warned.add(key)
    try:
        os.write(2, ('reprov: %s\n' % message).encode('utf-8', 'replace'))
    except Exception:
        pass


def _inactive(what):
    if _given_up[0]:
        return
    warn_once('inactive', 'not recording: this process does not run under `reprov record`, so reprov.%s and the other logging calls do nothing' % what)


# --- the API ------------------------------------------------------------------------------------

def log_metric(name, value, step=None, context=None, epoch=None):
    """A metric point (buffered: written every 2000 points, every 2 s of logging and at exit).

    `context` defaults to the enclosing `reprov.context(...)`, else "training".
    """
    if _fd < 0:
        return _inactive('log_metric')
    try:
        at = _time()
        _append((name, value if value.__class__ is float else float(value), step, epoch, context or _contexts[-1], at))
        if at >= _next_flush or len(_points) >= _FLUSH_POINTS:
            flush()
    except (TypeError, ValueError):
        warn_once('metric:' + str(name), 'log_metric(%r): the value %r is not a number; not recorded' % (name, value))
    except Exception as error:
        internal_error('log_metric', error)


def _scalar(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple, dict)):
        return encode(value)
    return str(value)


def log_param(name, value):
    """A parameter (a number, a bool or text; anything else is recorded as its text)."""
    if _fd < 0:
        return _inactive('log_param')
    try:
        emit('param', name=str(name), value=_scalar(value))
    except Exception as error:
        internal_error('log_param', error)


def _flatten(mapping, prefix, out):
    for key, value in mapping.items():
        name = prefix + str(key)
        if isinstance(value, dict) and value:
            _flatten(value, name + '.', out)
        else:
            out.append((name, value))


def log_params(params):
    """Parameters from a dict; nested keys are joined with "." ({"optimizer": {"lr": 0.1}} -> optimizer.lr)."""
    if _fd < 0:
        return _inactive('log_params')
    try:
        flat = []
        _flatten(params, '', flat)
        for name, value in flat:
            emit('param', name=name, value=_scalar(value))
    except Exception as error:
        internal_error('log_params', error)


def log_seed(name, value, rng=None):
    """A seed the program used (`name` names it in the bundle; `rng`, the generator, defaults to `name`)."""
    if _fd < 0:
        return _inactive('log_seed')
    try:
        emit('seed', name=str(name), rng=str(rng or name), value=_scalar(value), via='reprov.log_seed')
    except Exception as error:
        internal_error('log_seed', error)


def _path_event(kind, path):
    if _fd < 0:
        return _inactive('log_' + kind)
    try:
        emit(kind, path=os.path.abspath(os.fsdecode(os.fspath(path))))
    except Exception as error:
        internal_error('log_' + kind, error)


def log_input(path):
    """A file or directory the run read: hashed by the recorder at the end of the run."""
    _path_event('input', path)


def log_output(path):
    """A file or directory the run wrote: hashed by the recorder at the end of the run."""
    _path_event('output', path)


def log_model(path):
    """A model the run wrote (an output typed mls:Model)."""
    _path_event('model', path)


def log_artifact(path):
    """An artifact the run wrote (an output typed reprov:Artifact)."""
    _path_event('artifact', path)


class context(object):
    """`with reprov.context("validation"):` — metrics logged inside default to this context."""

    def __init__(self, name):
        self.name = str(name)

    def __enter__(self):
        _contexts.append(self.name)
        if _fd >= 0:
            try:
                emit('context', name=self.name)
            except Exception as error:
                internal_error('context', error)
        return self

    def __exit__(self, *exc):
        if len(_contexts) > 1 and _contexts[-1] == self.name:
            _contexts.pop()
        return False
