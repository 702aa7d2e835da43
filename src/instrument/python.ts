/**
 * What `reprov record` gives a command so that the Python processes it starts instrument
 * themselves: its own directory first on PYTHONPATH (src/instrument/python: sitecustomize.py and
 * the package `reprov`, shipped as source in the npm package), the channel in REPROV_CHANNEL and
 * the bundle directory in REPROV_BUNDLE_DIR (never recorded as a file the program wrote).
 * Nothing is installed in the user's environment.
 */
import { delimiter, join } from 'node:path';
import { PACKAGE_ROOT } from '../base/package-root.js';
import { CHANNEL_VARIABLE } from './channel.js';

/** The directory put first on PYTHONPATH. */
export const PYTHON_INSTRUMENT_DIR = join(PACKAGE_ROOT, 'src', 'instrument', 'python');

export interface InstrumentEnvOptions {
  channel: string;
  bundleDir: string;
  /** More directories whose files are recorded when the program opens them (besides the working directory). */
  dataRoots?: string[];
}

/** `env` with the instrumentation turned on; the user's PYTHONPATH is kept, after reprov's directory. */
export function instrumentedEnv(env: NodeJS.ProcessEnv, options: InstrumentEnvOptions): NodeJS.ProcessEnv {
  const pythonPath = env.PYTHONPATH ? `${PYTHON_INSTRUMENT_DIR}${delimiter}${env.PYTHONPATH}` : PYTHON_INSTRUMENT_DIR;
  const out: NodeJS.ProcessEnv = { ...env, PYTHONPATH: pythonPath, [CHANNEL_VARIABLE]: options.channel, REPROV_BUNDLE_DIR: options.bundleDir };
  if (options.dataRoots?.length) out.REPROV_DATA_ROOTS = options.dataRoots.join(delimiter);
  else delete out.REPROV_DATA_ROOTS;
  return out;
}

/**
 * `env` for `record --no-instrument`: nothing is captured (no channel), but reprov's directory is
 * still on PYTHONPATH, so a program that does `import reprov` runs, its calls doing nothing.
 */
export function uninstrumentedEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env, PYTHONPATH: env.PYTHONPATH ? `${PYTHON_INSTRUMENT_DIR}${delimiter}${env.PYTHONPATH}` : PYTHON_INSTRUMENT_DIR };
  delete out[CHANNEL_VARIABLE];
  return out;
}
