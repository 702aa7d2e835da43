/**
 * Secret redaction: nothing a collector records (command lines, environment variables, remote
 * URLs, diffs) may carry a credential into a bundle, because bundles are shared, committed and
 * published. Every collector passes text through these functions before it reaches the graph, and
 * the `check` secrets rule uses `findSecrets` to flag what slipped into a bundle written by
 * another tool.
 *
 * A secret becomes `[REDACTED:<kind>]`; the text around it (a variable name, the user part of a
 * URL, a flag) is kept, so a reader still sees that a credential was there and of what kind.
 * Redaction is idempotent: redacting redacted text changes nothing.
 */

/** A named pattern. When the pattern has named groups starting with `secret`, only the first
 *  such group that matched is the secret (the rest of the match is context that is kept). */
export interface SecretPattern {
  kind: string;
  pattern: RegExp;
  description?: string;
}

/** One secret found in a text: where it starts and how long it is (the secret alone, not its context). */
export interface SecretMatch {
  kind: string;
  index: number;
  length: number;
}

/** What `redactText` and `findSecrets` also accept: a pattern, a bare RegExp or a regex source (kind `custom`). */
export type ExtraPattern = SecretPattern | RegExp | string;

// Not a value: already redacted, a reference to a variable (`$TOKEN`, `${TOKEN}`), a mask (`****`),
// or a placeholder or special token (`<pad>`, `[UNK]`, `</s>`).
const NOT_A_VALUE = String.raw`(?!\[REDACTED|\$\{?[A-Za-z_]|\*{3}|[<\[])`;
let groupCounter = 0;
const group = () => `secret${groupCounter++}`;
// A quoted value: the secret is inside the quotes.
const quotedValue = () => String.raw`(?:"(?<${group()}>${NOT_A_VALUE}[^"\s]+)"|'(?<${group()}>${NOT_A_VALUE}[^'\s]+)')`;
// A value after `=`: quoted, or bare up to a separator (and not a function call: `key=os.getenv("K")`).
const assignedValue = () => String.raw`(?:${quotedValue()}|(?<${group()}>${NOT_A_VALUE}(?![^\s&;,"'<>()]*\()[^\s&;,"'<>()]+))`;
// A key whose last word is `word` (`password`, `DB_PASSWORD`, `--db-password`, `client.secret`); only
// the word is matched, the rest of the name is context that stays anyway. Tokenizer special tokens
// (`pad_token`, `eos_token`) are not secrets.
const keyEndingIn = (word: string) =>
  String.raw`(?<![A-Za-z0-9])(?<!(?:pad|eos|bos|unk|mask|sep|cls|special|start|end|stop)[_.-]?)(?:${word})`;
// `key=value` as in a command line, environment or query string (no spaces, value bare or quoted);
// `key = "value"` with spaces as in code or a config file (quoted value only, so that code such
// as `token = next_token()` or `token == 3` is not taken for a secret); `"key": "value"` in JSON.
const assignment = (word: string) =>
  new RegExp(
    String.raw`${keyEndingIn(word)}(?:=(?![=\s])${assignedValue()}|["']?\s*[=:]\s*${quotedValue()})`,
    'gi',
  );

/** The built-in patterns, most specific first (on a tie the earlier pattern names the kind). */
export const SECRET_PATTERNS: readonly SecretPattern[] = [
  {
    kind: 'private-key',
    description: 'PEM private key block (also a truncated one)',
    pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|$)/g,
  },
  { kind: 'aws-access-key-id', description: 'AWS access key id', pattern: /(?<![A-Za-z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Za-z0-9])/g },
  {
    kind: 'aws-secret-access-key',
    description: 'AWS secret access key when assigned (aws_secret_access_key=..., AWS_SECRET_ACCESS_KEY: ...)',
    pattern: /(?<![A-Za-z0-9])aws_?secret_?access_?key["']?\s*[=:]\s*["']?(?<secret>[A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/gi,
  },
  {
    kind: 'github-token',
    description: 'GitHub token (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_)',
    pattern: /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{20,255}|github_pat_[A-Za-z0-9_]{20,255})(?![A-Za-z0-9_])/g,
  },
  { kind: 'huggingface-token', description: 'Hugging Face token (hf_...)', pattern: /(?<![A-Za-z0-9_])hf_[A-Za-z0-9]{20,}(?![A-Za-z0-9_])/g },
  {
    kind: 'openai-key',
    description: 'OpenAI-style API key (sk-..., sk-proj-...)',
    pattern: /(?<![A-Za-z0-9_-])sk-(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{20,}(?![A-Za-z0-9_-])/g,
  },
  { kind: 'slack-token', description: 'Slack token (xoxb-, xoxp-, ...)', pattern: /(?<![A-Za-z0-9])xox[abposr]-[A-Za-z0-9-]{10,}/g },
  { kind: 'google-api-key', description: 'Google API key (AIza...)', pattern: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/g },
  {
    kind: 'jwt',
    description: 'JSON Web Token (eyJ...eyJ...sig)',
    pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g,
  },
  {
    kind: 'bearer-token',
    description: 'HTTP Bearer token',
    pattern: /(?<![A-Za-z0-9])Bearer\s+(?<secret>(?!\[REDACTED)(?=[A-Za-z._~+/=-]*\d)[A-Za-z0-9._~+/=-]{8,})/gi,
  },
  {
    kind: 'password',
    description: 'password in a URL (scheme://user:password@host)',
    pattern: /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s:/?#@]*:(?<secret>(?!\[REDACTED)[^\s/?#]+)@(?=[^\s@/?#]*(?:[/?#\s]|$))/g,
  },
  { kind: 'password', description: 'password=..., passwd=... assignment', pattern: assignment('password|passwd|passphrase') },
  { kind: 'token', description: 'token=... assignment (access_token, HF_TOKEN=...)', pattern: assignment('token') },
  { kind: 'secret', description: 'secret=... assignment (client_secret, DB_SECRET=...)', pattern: assignment('secret') },
  { kind: 'api-key', description: 'api_key=... assignment (apikey, x-api-key, OPENAI_API_KEY=...)', pattern: assignment('api[_-]?key|apikey|access[_-]?key|secret[_-]?key|private[_-]?key') },
];

function normalise(extra: readonly ExtraPattern[]): SecretPattern[] {
  return extra.map((p) =>
    typeof p === 'string' ? { kind: 'custom', pattern: new RegExp(p, 'g') } : p instanceof RegExp ? { kind: 'custom', pattern: p } : p);
}

const scanners = new WeakMap<RegExp, RegExp>();

/** The pattern as a global regex with match indices (`g`, `d`; never sticky), compiled once. */
function scanner(pattern: RegExp): RegExp {
  let regex = scanners.get(pattern);
  if (!regex) {
    const flags = new Set([...pattern.flags.replace('y', ''), 'g', 'd']);
    regex = new RegExp(pattern.source, [...flags].join(''));
    scanners.set(pattern, regex);
  }
  return regex;
}

const testers = new WeakMap<RegExp, RegExp>();

/** The pattern without `g`, `y` or `d`: the cheap yes/no that most texts stop at. */
function tester(pattern: RegExp): RegExp {
  let regex = testers.get(pattern);
  if (!regex) testers.set(pattern, (regex = new RegExp(pattern.source, pattern.flags.replace(/[gyd]/g, ''))));
  return regex;
}

/** Every secret in `text`, in order, overlapping finds merged into one. */
export function findSecrets(text: string, extraPatterns: readonly ExtraPattern[] = []): SecretMatch[] {
  return findSecretsWith(text, [...SECRET_PATTERNS, ...normalise(extraPatterns)]);
}

/**
 * The patterns that can find something in any of `texts` (built-in ones first, in order, then the
 * extra ones), for `findSecretsWith`. One test of each built-in pattern over the texts joined by
 * newlines replaces one per text: none of them needs a newline inside a secret or anchors with `^`,
 * so whatever they match in one text they match in the join. Extra patterns may be anchored, so
 * they are always kept.
 */
export function secretPatternsIn(texts: readonly string[], extraPatterns: readonly ExtraPattern[] = []): SecretPattern[] {
  const joined = texts.join('\n');
  return [...SECRET_PATTERNS.filter(({ pattern }) => tester(pattern).test(joined)), ...normalise(extraPatterns)];
}

/** `findSecrets` with a given list of patterns (earlier ones name the kind on a tie). */
export function findSecretsWith(text: string, patterns: readonly SecretPattern[]): SecretMatch[] {
  const found: (SecretMatch & { order: number })[] = [];
  patterns.forEach(({ kind, pattern }, order) => {
    if (!tester(pattern).test(text)) return;
    for (const match of text.matchAll(scanner(pattern))) {
      let start = match.index;
      let end = start + match[0].length;
      const groups = match.indices?.groups;
      if (groups) {
        const secret = Object.entries(groups).find(([name, span]) => name.startsWith('secret') && span)?.[1];
        if (secret) [start, end] = secret;
      }
      if (end > start) found.push({ kind, index: start, length: end - start, order });
    }
  });
  found.sort((a, b) => a.index - b.index || b.length - a.length || a.order - b.order);
  const merged: SecretMatch[] = [];
  for (const { kind, index, length } of found) {
    const last = merged[merged.length - 1];
    if (last && index < last.index + last.length) {
      last.length = Math.max(last.length, index + length - last.index);
    } else {
      merged.push({ kind, index, length });
    }
  }
  return merged;
}

/** `text` with every secret replaced by `[REDACTED:<kind>]`. */
export function redactText(text: string, extraPatterns: readonly ExtraPattern[] = []): string {
  const secrets = findSecrets(text, extraPatterns);
  if (!secrets.length) return text;
  let out = '';
  let at = 0;
  for (const { kind, index, length } of secrets) {
    out += text.slice(at, index) + redacted(kind);
    at = index + length;
  }
  return out + text.slice(at);
}

const redacted = (kind: string) => `[REDACTED:${kind}]`;

/** The last words that make a flag, query parameter or variable name secret, and the kind they announce. */
const SECRET_WORDS: Record<string, string> = {
  pass: 'password', password: 'password', passwd: 'password', passphrase: 'password', pwd: 'password',
  token: 'token', secret: 'secret', key: 'key', apikey: 'key', credential: 'credential', credentials: 'credential',
  auth: 'auth', sig: 'signature', signature: 'signature',
};
/** Words before the last one that make it harmless: tokenizer special tokens, counts. */
const HARMLESS_BEFORE = new Set(['pad', 'eos', 'bos', 'unk', 'mask', 'sep', 'cls', 'special', 'start', 'end', 'stop', 'max', 'min', 'num', 'sort', 'primary', 'public']);

/**
 * The kind of secret a flag or parameter name announces (`--hf-token` -> `token`,
 * `apiKey` -> `key`, `X-Amz-Signature` -> `signature`), or undefined. The name is split into
 * words (`-`, `_`, `.`, camelCase) and its last word decides, so `--tokenizer`, `--max-tokens`,
 * `--token-file` (a path), `--pad-token` and `--author` are not secret.
 */
export function secretNameKind(name: string): string | undefined {
  const words = name
    .replace(/^-+/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_.:/-]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
  const last = words[words.length - 1];
  const before = words[words.length - 2];
  if (!last || (before && HARMLESS_BEFORE.has(before))) return undefined;
  return SECRET_WORDS[last];
}

/**
 * A URL without credentials: the password is dropped, and so is the user of an http(s) URL
 * (where a lone user is usually a token); query parameters with secret names
 * (`token`, `access_token`, `X-Amz-Signature`, `sig`, ...) are redacted, and any other secret
 * in the URL is redacted as in `redactText`. The rest of the URL is kept as written. Text that
 * is not a `scheme://` URL (scp-like `git@host:path`, a path) only goes through `redactText`.
 */
export function redactUrl(url: string, extraPatterns: readonly ExtraPattern[] = []): string {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/s.exec(url);
  if (!m) return redactText(url, extraPatterns);
  const [, scheme = '', authority = '', rest = ''] = m;
  let host = authority;
  const at = authority.lastIndexOf('@');
  if (at >= 0) {
    const userinfo = authority.slice(0, at);
    host = authority.slice(at + 1);
    const colon = userinfo.indexOf(':');
    const user = colon >= 0 ? userinfo.slice(0, colon) : userinfo;
    const keepUser = colon < 0 && !/^https?:/i.test(scheme) && user !== '' && !findSecrets(user, extraPatterns).length;
    if (keepUser) host = `${user}@${host}`;
  }
  const hashAt = rest.indexOf('#');
  const beforeHash = hashAt >= 0 ? rest.slice(0, hashAt) : rest;
  const hash = hashAt >= 0 ? rest.slice(hashAt) : '';
  const queryAt = beforeHash.indexOf('?');
  let path = beforeHash;
  let query = '';
  if (queryAt >= 0) {
    path = beforeHash.slice(0, queryAt);
    query = '?' + beforeHash.slice(queryAt + 1).split('&').map(redactParam).join('&');
  }
  return redactText(scheme + host + path + query + hash, extraPatterns);
}

function redactParam(param: string): string {
  const eq = param.indexOf('=');
  if (eq < 0) return param;
  let name = param.slice(0, eq);
  try {
    name = decodeURIComponent(name);
  } catch {
    // keep the raw name
  }
  const kind = secretNameKind(name);
  const value = param.slice(eq + 1);
  if (!kind || value === '' || value.startsWith('[REDACTED')) return param;
  return `${param.slice(0, eq)}=${redacted(kind)}`;
}

export interface RedactArgvOptions {
  /** Flags whose next argument (or `=value`) is always a secret, such as `-p` for a database client. */
  secretFlags?: readonly string[];
  extraPatterns?: readonly ExtraPattern[];
}

// Values after a secret-looking flag that are switches, not secrets (`--use_auth_token True`).
const SWITCH_VALUE = /^(true|false|yes|no|on|off|none|0|1)$/i;

/**
 * A command line without secrets: the value after a flag whose name looks secret
 * (`--token X`, `--password=X`, `-token X`, `--hfToken=X`, and the flags in `secretFlags`, such
 * as `-p X`) and any secret inside an argument (URLs with passwords, `KEY=value` settings, known
 * token formats). Arguments keep their positions: the result has as many elements as `argv`.
 */
export function redactArgv(argv: readonly string[], options: RedactArgvOptions = {}): string[] {
  const extra = options.extraPatterns ?? [];
  const explicit = new Set(options.secretFlags ?? []);
  const flagKind = (flag: string) => (explicit.has(flag) ? 'password' : /^--?[A-Za-z]/.test(flag) ? secretNameKind(flag) : undefined);
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    if (arg.startsWith('-') && eq > 0) {
      const kind = flagKind(arg.slice(0, eq));
      const value = arg.slice(eq + 1);
      out.push(kind && value && !SWITCH_VALUE.test(value) && !value.startsWith('[REDACTED')
        ? `${arg.slice(0, eq)}=${redacted(kind)}`
        : redactText(arg, extra));
      continue;
    }
    out.push(redactText(arg, extra));
    const kind = arg.startsWith('-') && arg !== '-' && arg !== '--' ? flagKind(arg) : undefined;
    const next = argv[i + 1];
    if (kind && next !== undefined && !next.startsWith('-') && !SWITCH_VALUE.test(next)) {
      out.push(next.startsWith('[REDACTED') ? next : redacted(kind));
      i++;
    }
  }
  return out;
}

/**
 * Variables recorded by default: the ones that change what a run computes or where it runs
 * (seeds, thread counts, determinism switches, device selection, distributed ranks, locale,
 * the active Python environment, framework caches and offline switches). `*` matches any suffix.
 */
export const DEFAULT_ENV_ALLOW: readonly string[] = [
  // Python
  'PYTHONHASHSEED', 'PYTHONPATH', 'PYTHONOPTIMIZE', 'PYTHONWARNINGS', 'PYTHONUTF8', 'PYTHONIOENCODING', 'PYTHONDONTWRITEBYTECODE',
  'VIRTUAL_ENV', 'CONDA_DEFAULT_ENV', 'CONDA_PREFIX', 'PIP_INDEX_URL', 'PIP_EXTRA_INDEX_URL', 'UV_INDEX_URL', 'UV_PYTHON',
  // numerics and threading
  'OMP_*', 'MKL_NUM_THREADS', 'MKL_CBWR', 'MKL_THREADING_LAYER', 'OPENBLAS_NUM_THREADS', 'NUMEXPR_NUM_THREADS',
  'VECLIB_MAXIMUM_THREADS', 'KMP_*', 'TOKENIZERS_PARALLELISM',
  // GPUs and frameworks
  'CUDA_VISIBLE_DEVICES', 'CUDA_DEVICE_ORDER', 'CUDA_LAUNCH_BLOCKING', 'CUDA_MODULE_LOADING', 'CUDA_HOME', 'CUBLAS_WORKSPACE_CONFIG',
  'CUDNN_*', 'NCCL_*', 'NVIDIA_*', 'HIP_VISIBLE_DEVICES', 'ROCR_VISIBLE_DEVICES',
  'PYTORCH_*', 'TORCH_*', 'TORCHINDUCTOR_*', 'TORCHDYNAMO_*', 'TORCHELASTIC_*',
  'TF_DETERMINISTIC_OPS', 'TF_CUDNN_DETERMINISTIC', 'TF_*', 'XLA_FLAGS', 'XLA_PYTHON_CLIENT_*', 'JAX_*',
  'HF_*', 'TRANSFORMERS_*', 'ACCELERATE_*', 'MLFLOW_TRACKING_URI', 'MLFLOW_EXPERIMENT_NAME',
  // distributed runs and schedulers
  'WORLD_SIZE', 'RANK', 'LOCAL_RANK', 'LOCAL_WORLD_SIZE', 'GROUP_RANK', 'NODE_RANK', 'MASTER_ADDR', 'MASTER_PORT',
  'SLURM_*', 'PBS_JOBID', 'PBS_JOBNAME', 'PBS_NODEFILE', 'LSB_JOBID',
  // locale, time, runtime
  'LANG', 'LANGUAGE', 'LC_*', 'TZ', 'NODE_ENV', 'NODE_OPTIONS',
];

/**
 * Whether a variable's name says it holds a secret: `*_TOKEN`, `*_KEY`, `*_SECRET*`,
 * `*PASSWORD*`, `*_PASSWD`, `*_CREDENTIALS` and the like (whole words of the name, so
 * `TOKENIZERS_PARALLELISM` is not).
 */
export function isSecretName(name: string): boolean {
  const upper = name.toUpperCase();
  if (/PASSWORD|PASSWD|SECRET|CREDENTIAL/.test(upper)) return true;
  return upper.split(/[_.-]+/).some((w) => ['TOKEN', 'KEY', 'APIKEY', 'PASS', 'PAT', 'AUTH', 'PRIVATE'].includes(w));
}

export interface RedactEnvOptions {
  /** Names (or `PREFIX_*` patterns) to record in addition to the defaults. */
  allow?: readonly string[];
  /** Start from `DEFAULT_ENV_ALLOW` (default true); false records only `allow`. */
  defaults?: boolean;
  extraPatterns?: readonly ExtraPattern[];
}

export interface RedactedEnv {
  /** The allow-listed, non-secret variables, values redacted, in name order. */
  recorded: Record<string, string>;
  /** The variables whose names say they hold a secret: present in the environment, value never recorded. */
  redactedNames: string[];
}

/** The environment variables a bundle may record; see `DEFAULT_ENV_ALLOW` and `isSecretName`. */
export function redactEnv(env: NodeJS.ProcessEnv | Record<string, string | undefined>, options: RedactEnvOptions = {}): RedactedEnv {
  const allow = [...(options.defaults === false ? [] : DEFAULT_ENV_ALLOW), ...(options.allow ?? [])].map(globRegex);
  const recorded: Record<string, string> = {};
  const redactedNames: string[] = [];
  for (const name of Object.keys(env).sort()) {
    const value = env[name];
    if (value === undefined) continue;
    if (isSecretName(name)) redactedNames.push(name);
    else if (allow.some((re) => re.test(name))) recorded[name] = redactText(value, options.extraPatterns);
  }
  return { recorded, redactedNames };
}

function globRegex(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}
