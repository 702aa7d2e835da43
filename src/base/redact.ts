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
  /** Decides each match: the kind to report (instead of `kind`), or undefined to drop the match
   *  (a query parameter is a secret only when its name is one, see `secretNameKind`). */
  kindOf?: (match: RegExpExecArray | RegExpMatchArray) => string | undefined;
  /** Lower-case strings of which every match holds one, in any case (`AKIA` or `ASIA`): a text
   *  that holds none of them is not run through the pattern (`secretPatternsIn`). */
  clues?: readonly string[];
}

/** One secret found in a text: where it starts and how long it is (the secret alone, not its context). */
export interface SecretMatch {
  kind: string;
  index: number;
  length: number;
}

/** What `redactText` and `findSecrets` also accept: a pattern, a bare RegExp or a regex source (kind `custom`). */
export type ExtraPattern = SecretPattern | RegExp | string;

// Not a value: already redacted (also percent-encoded inside an IRI), a reference to a variable
// (`$TOKEN`, `${TOKEN}`), a mask (`****`), a placeholder or special token (`<pad>`, `[UNK]`, `</s>`),
// or a null (`None`, `null`).
const NOT_A_VALUE = String.raw`(?!\[REDACTED|%5[Bb]REDACTED|\$\{?[A-Za-z_]|\*{3}|[<\[]|(?:None|NONE|null|NULL|nil|undefined)(?![A-Za-z0-9_-]))`;
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

// Types and nulls after `name:` (Python and TypeScript annotations, YAML nulls and switches), not values.
const NOT_A_TYPE = String.raw`(?!(?:str|string|int|integer|float|bool|boolean|bytes|number|any|object|dict|list|SecretStr|Optional|Union|None|null|true|false|yes|no|~)(?![A-Za-z0-9_-]))`;
// `name: value` with a bare value alone on its line, as in YAML (`secret_key: abc`, `  - api_key: abc`,
// `"token": abc`, and a diff's `+secret_key: abc`); a value that ends in `,` (code), starts with a quote (the quoted form is
// `assignment`'s) or names a type (`password: str`) is not one.
const yamlEntry = (word: string) =>
  new RegExp(
    String.raw`(?<![^\n])[+-]?[ \t]*(?:-[ \t]+)?["']?[A-Za-z0-9_.-]*?${keyEndingIn(word)}["']?[ \t]*:[ \t]+(?<${group()}>${NOT_A_VALUE}${NOT_A_TYPE}[^\s#"'{}\[\],&*!|>%@\`](?:[^\n#"']*[^\s#"',])?)[ \t]*(?=#|\r?\n|$)`,
    'gi',
  );
/** The token after `Bearer`: 8 characters or more that hold a digit, punctuation, mixed case or are long (not the word in `Bearer authentication`). */
const BEARER_TOKEN = String.raw`(?=[A-Za-z0-9._~+/=-]*(?:\d|[._~+/=])|[A-Za-z0-9._~+/=-]*[a-z][A-Za-z0-9._~+/=-]*[A-Z]|[A-Za-z0-9._~+/=-]{16})[A-Za-z0-9._~+/=-]{8,}`;

// The value after a flag: quoted (`--token "x y"`), or bare up to a blank or quote, not another flag.
const flagValue = () => String.raw`(?:"(?<${group()}>${NOT_A_VALUE}[^"\n]+)"|'(?<${group()}>${NOT_A_VALUE}[^'\n]+)'|(?<${group()}>${NOT_A_VALUE}[^\s'"-][^\s'"]*))`;
// `<tool> ... <flag> X` and `<tool> ... <flag>X` within one command (no `;`, `|`, `&` or newline between).
const toolFlag = (tools: string, flag: string) =>
  new RegExp(String.raw`(?<![^\s'"(/])(?:${tools})(?=[ \t])[^\n;|&]*?[ \t]${flag}(?:[ \t]+|=)?(?<${group()}>${NOT_A_VALUE}[^\s'";|&]+)`, 'g');
const MYSQL_LIKE = 'mysql|mysqldump|mysqladmin|mysqlimport|mysqlshow|mysqlcheck|mysqlpump|mysqlsh|mariadb|mariadb-dump|mariadb-admin|mariadb-import|mariadb-check|mongo|mongosh|mongodump|mongorestore|mongoexport|mongoimport|sshpass';
const LDAP = 'ldapsearch|ldapadd|ldapmodify|ldapdelete|ldapwhoami|ldappasswd|ldapcompare|ldapmodrdn';
/** The text of the first `secret*` group that matched. */
const secretGroup = (match: RegExpExecArray | RegExpMatchArray) => Object.entries(match.groups ?? {}).find(([name, text]) => name.startsWith('secret') && text !== undefined)?.[1] ?? '';

/** The built-in patterns, most specific first (on a tie the earlier pattern names the kind). */
export const SECRET_PATTERNS: readonly SecretPattern[] = [
  {
    kind: 'private-key',
    description: 'PEM private key block (also a truncated one)',
    clues: ['private key'],
    pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|$)/g,
  },
  { kind: 'aws-access-key-id', description: 'AWS access key id', clues: ['akia', 'asia'], pattern: /(?<![A-Za-z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Za-z0-9])/g },
  {
    kind: 'aws-secret-access-key',
    description: 'AWS secret access key when assigned (aws_secret_access_key=..., AWS_SECRET_ACCESS_KEY: ...)',
    clues: ['aws'],
    pattern: /(?<![A-Za-z0-9])aws_?secret_?access_?key["']?\s*[=:]\s*["']?(?<secret>[A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/gi,
  },
  {
    kind: 'github-token',
    description: 'GitHub token (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_)',
    clues: ['gh', 'github_pat_'],
    pattern: /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{20,255}|github_pat_[A-Za-z0-9_]{20,255})(?![A-Za-z0-9_])/g,
  },
  { kind: 'huggingface-token', description: 'Hugging Face token (hf_...)', clues: ['hf_'], pattern: /(?<![A-Za-z0-9_])hf_[A-Za-z0-9]{20,}(?![A-Za-z0-9_])/g },
  {
    kind: 'openai-key',
    description: 'OpenAI-style API key (sk-..., sk-proj-...)',
    clues: ['sk-'],
    pattern: /(?<![A-Za-z0-9-])sk-(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{20,}(?![A-Za-z0-9_-])/g,
  },
  { kind: 'nvidia-api-key', description: 'NVIDIA API key (nvapi-...)', clues: ['nvapi-'], pattern: /(?<![A-Za-z0-9_-])nvapi-[A-Za-z0-9_-]{20,}(?![A-Za-z0-9_-])/g },
  { kind: 'gitlab-token', description: 'GitLab token (glpat-..., gldt-..., glrt-...)', clues: ['glpat-', 'gldt-', 'glrt-', 'glptt-', 'gloas-'], pattern: /(?<![A-Za-z0-9_-])gl(?:pat|dt|rt|ptt|oas)-[A-Za-z0-9_-]{20,}(?![A-Za-z0-9_-])/g },
  { kind: 'pypi-token', description: 'PyPI upload token (pypi-AgE...)', clues: ['pypi-age'], pattern: /(?<![A-Za-z0-9_-])pypi-AgE[A-Za-z0-9_-]{40,}/g },
  { kind: 'npm-token', description: 'npm access token (npm_...)', clues: ['npm_'], pattern: /(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9_])/g },
  { kind: 'slack-token', description: 'Slack token (xoxb-, xoxp-, ...)', clues: ['xox'], pattern: /(?<![A-Za-z0-9])xox[abposr]-[A-Za-z0-9-]{10,}/g },
  { kind: 'google-api-key', description: 'Google API key (AIza...)', clues: ['aiza'], pattern: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/g },
  {
    kind: 'jwt',
    description: 'JSON Web Token (eyJ...eyJ...sig)',
    clues: ['eyj'],
    pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g,
  },
  {
    kind: 'bearer-token',
    description: 'HTTP Bearer token (a digit, punctuation, mixed case or 16 characters tell it from the word)',
    clues: ['bearer'],
    pattern: new RegExp(String.raw`(?<![A-Za-z0-9])Bearer\s+(?<secret>(?!\[REDACTED|%5[Bb]REDACTED)${BEARER_TOKEN})`, 'g'),
  },
  {
    kind: 'authorization',
    description: 'the value of an Authorization or Proxy-Authorization header (Basic, Bearer, Token, Digest or bare), also inside JSON',
    clues: ['authorization'],
    pattern: new RegExp(
      String.raw`(?<![A-Za-z0-9-])(?:Proxy-)?Authorization["']?[ \t]*[:=][ \t]*["']?(?:(?:Basic|Bearer|Token|Digest|Negotiate|NTLM|AWS4-HMAC-SHA256)[ \t]+)?(?<secret>${NOT_A_VALUE}(?!(?:Basic|Bearer|Token|Digest|Negotiate|NTLM)[ \t])[^\s"',;}]{4,})`,
      'gi',
    ),
  },
  {
    kind: 'password',
    description: 'password in a URL (scheme://user:password@host, also git+https://)',
    clues: ['://'],
    pattern: /(?<![A-Za-z0-9.-])[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s:/?#@[]*:(?<secret>(?!\[REDACTED|%5[Bb]REDACTED)[^\s/?#]+)@(?=[^\s@/?#]*(?:[/?#\s'"]|$))/g,
  },
  {
    kind: 'token',
    description: 'token as the whole user part of an http(s) URL (https://TOKEN@host, git+https://TOKEN@host)',
    clues: ['://'],
    pattern: /(?<![A-Za-z0-9.-])(?:[A-Za-z][A-Za-z0-9.-]*\+)?https?:\/\/(?<secret>(?!\[REDACTED|%5[Bb]REDACTED)[^\s:/?#@\[\]'"<>]+)@(?=[^\s@/?#]*(?:[/?#\s'"]|$))/gi,
  },
  {
    kind: 'query',
    description: 'a URL query parameter whose name is a secret name (?token=, ?sig=, ?auth=, ?key=, &X-Amz-Signature=, ...); the kind is the name\'s',
    clues: ['='],
    pattern: new RegExp(String.raw`[?&](?<name>[A-Za-z0-9_.%-]+)=(?<secret>${NOT_A_VALUE}[^&#\s"'<>]+)`, 'g'),
    kindOf: (match) => {
      const value = secretGroup(match);
      return SWITCH_VALUE.test(value) ? undefined : secretNameKind(decodeName(match.groups?.name ?? ''));
    },
  },
  { kind: 'password', description: 'password=..., passwd=... assignment', clues: ['pass'], pattern: assignment('password|passwd|passphrase') },
  { kind: 'token', description: 'token=... assignment (access_token, HF_TOKEN=...)', clues: ['token'], pattern: assignment('token') },
  { kind: 'secret', description: 'secret=... assignment (client_secret, DB_SECRET=...)', clues: ['secret'], pattern: assignment('secret') },
  { kind: 'api-key', description: 'api_key=... assignment (apikey, x-api-key, OPENAI_API_KEY=...)', clues: ['key'], pattern: assignment('api[_-]?key|apikey|access[_-]?key|secret[_-]?key|private[_-]?key') },
  {
    kind: 'flag',
    description: 'the value after a command-line flag whose name is a secret name (--token X, --password=X, -api-key "X", --hfToken X); the kind is the name\'s',
    pattern: new RegExp(String.raw`(?<![\w-])--?(?<name>[A-Za-z][A-Za-z0-9_.-]*)(?:=|[ \t]+)${flagValue()}`, 'g'),
    kindOf: (match) => (SWITCH_VALUE.test(secretGroup(match)) ? undefined : secretNameKind(match.groups?.name ?? '')),
  },
  { kind: 'password', description: 'the password flag of a database client or sshpass (mysql -pX, mysql -p X, mongo -p X, sshpass -p X)', clues: ['mysql', 'mariadb', 'mongo', 'sshpass'], pattern: toolFlag(MYSQL_LIKE, '-p') },
  { kind: 'password', description: 'redis-cli -a X', clues: ['redis-cli'], pattern: toolFlag('redis-cli', '-a') },
  { kind: 'password', description: 'sqlcmd -P X, bcp -P X', clues: ['sqlcmd', 'bcp'], pattern: toolFlag('sqlcmd|bcp', '-P') },
  { kind: 'password', description: 'ldapsearch -w X (and the other LDAP tools)', clues: ['ldap'], pattern: toolFlag(LDAP, '-w') },
  { kind: 'password', description: 'password: value, unquoted, alone on its line (YAML)', clues: ['pass'], pattern: yamlEntry('password|passwd|passphrase') },
  { kind: 'token', description: 'token: value, unquoted, alone on its line (YAML)', clues: ['token'], pattern: yamlEntry('token') },
  { kind: 'secret', description: 'secret: value, unquoted, alone on its line (YAML)', clues: ['secret'], pattern: yamlEntry('secret') },
  { kind: 'api-key', description: 'api_key: value, unquoted, alone on its line (YAML; also secret_key, access_key, private_key)', clues: ['key'], pattern: yamlEntry('api[_-]?key|apikey|access[_-]?key|secret[_-]?key|private[_-]?key') },
];

function decodeName(name: string): string {
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

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
  // Substring searches first: most patterns' clues are absent from a clean bundle, and a scan of the whole join by a pattern with lookbehinds costs far more.
  const lower = joined.toLowerCase();
  // Several patterns share a clue (`://`, `pass`, `token`): each is searched for once.
  const present = new Map<string, boolean>();
  const has = (clue: string) => present.get(clue) ?? present.set(clue, lower.includes(clue)).get(clue)!;
  const clueIn = (p: SecretPattern) => !p.clues || p.clues.some(has);
  // A pattern whose matches its name decides (`kindOf`) is kept only when one match is kept.
  const finds = (p: SecretPattern) => clueIn(p) && tester(p.pattern).test(joined) && (!p.kindOf || findSecretsWith(joined, [p]).length > 0);
  return [...SECRET_PATTERNS.filter(finds), ...normalise(extraPatterns)];
}

/** `findSecrets` with a given list of patterns (earlier ones name the kind on a tie). */
export function findSecretsWith(text: string, patterns: readonly SecretPattern[]): SecretMatch[] {
  const found: (SecretMatch & { order: number })[] = [];
  patterns.forEach(({ kind: patternKind, pattern, kindOf }, order) => {
    if (!tester(pattern).test(text)) return;
    for (const match of text.matchAll(scanner(pattern))) {
      const kind = kindOf ? kindOf(match) : patternKind;
      if (!kind) continue;
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

/** Whether a value is already redacted (`[REDACTED:kind]`, or percent-encoded inside an IRI). */
export function isRedacted(value: string): boolean {
  return /^(?:\[|%5[Bb])REDACTED/.test(value.trim());
}

/**
 * The secret-name list: a parameter, flag, query parameter or variable whose name's last word is
 * one of these names a secret, of the kind given (`DB_PASSWORD`, `--hf-token`, `authToken`,
 * `apiKey`, `client_secret`, `X-Amz-Signature`). `key` only counts when the word before it does
 * not make it an ordinary key (`sort_key`, `label_key`, `rng_key`, see `HARMLESS_BEFORE_KEY`).
 */
export const SECRET_NAME_WORDS: Readonly<Record<string, string>> = {
  password: 'password', passwd: 'password', passphrase: 'password', pass: 'password', pwd: 'password',
  secret: 'secret', secrets: 'secret', token: 'token', key: 'key', apikey: 'key', accesskey: 'key', secretkey: 'key', privatekey: 'key',
  credential: 'credential', credentials: 'credential', creds: 'credential', auth: 'auth', sig: 'signature', signature: 'signature',
  cookie: 'cookie', cookies: 'cookie',
};
/** Names glued into one word that still end in a secret word (`hfToken` is split, `HFTOKEN`, `dbpassword` are not). */
const SECRET_SUFFIX = /(?:password|passwd|passphrase|secret|apikey|accesskey|secretkey|privatekey|(?<!^(?:sub|pre|de|max|min|num|pad|eos|bos|unk))token)$/;
/**
 * A name whose last word is a secret word holds that word, and SECRET_SUFFIX's endings each hold
 * one too: a name holding none is not a secret name, told by one search instead of splitting it
 * into words (the secrets rule asks this of every label, name and value of a bundle).
 */
// `u`: case folding as toLowerCase does it, which turns the Kelvin sign (U+212A) into k.
const SECRET_WORD_CLUE = new RegExp(Object.keys(SECRET_NAME_WORDS).join('|'), 'iu');
/**
 * Whether `text` may hold a name that `secretNameKind` calls secret: false when it holds no secret
 * word and no percent-escape (a name read from an IRI is percent-decoded first).
 */
export function mayHoldSecretName(text: string): boolean {
  return SECRET_WORD_CLUE.test(text) || text.includes('%');
}
/** Words before the last one that make it harmless: tokenizer special tokens, counts, limits. */
const HARMLESS_BEFORE = new Set(['pad', 'eos', 'bos', 'unk', 'mask', 'sep', 'cls', 'special', 'start', 'end', 'stop', 'max', 'min', 'num', 'n', 'no', 'use', 'sort', 'primary', 'public']);
/** Words before `key` that make it a key of data, not a credential (`label_key`, `rng_key`, `cache_key`). */
const HARMLESS_BEFORE_KEY = new Set([
  'foreign', 'partition', 'cluster', 'cache', 'dict', 'map', 'lookup', 'join', 'group', 'index', 'hash', 'row', 'column', 'col', 'field',
  'data', 'input', 'output', 'label', 'labels', 'text', 'image', 'audio', 'video', 'target', 'feature', 'features', 'metric', 'monitor',
  'rng', 'prng', 'random', 'seed', 'sample', 'batch', 'prompt', 'response', 'instruction', 'context', 'query', 'document', 'answer',
  'question', 'chosen', 'rejected', 'reward', 'value', 'item', 'name', 'id', 'split', 'dataset', 'state', 'model', 'config', 'layer',
  'attention', 'cache', 'checkpoint', 'score', 'result', 'results', 'event', 'message', 'messages', 'conversation', 'chat', 'hotkey',
]);

function nameWords(name: string): string[] {
  return name
    .replace(/^[-+~]+/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_.:/-]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/**
 * The kind of secret a flag, parameter, query parameter or variable name announces
 * (`--hf-token` -> `token`, `apiKey` -> `key`, `X-Amz-Signature` -> `signature`,
 * `DB_PASSWORD` -> `password`), or undefined. The name is split into words (`-`, `_`, `.`,
 * camelCase) and its last word decides (see `SECRET_NAME_WORDS`), so `--tokenizer`,
 * `--max-tokens`, `num_tokens`, `--token-file` (a path), `--pad-token`, `sort_key` and
 * `--author` are not secret.
 */
export function secretNameKind(name: string): string | undefined {
  if (!SECRET_WORD_CLUE.test(name)) return undefined;
  const words = nameWords(name);
  const last = words[words.length - 1];
  const before = words[words.length - 2];
  if (!last || (before && HARMLESS_BEFORE.has(before))) return undefined;
  if (last === 'key' && before && HARMLESS_BEFORE_KEY.has(before)) return undefined;
  const kind = Object.hasOwn(SECRET_NAME_WORDS, last) ? SECRET_NAME_WORDS[last] : undefined;
  if (kind) return kind;
  const glued = SECRET_SUFFIX.exec(last)?.[0];
  if (!glued) return undefined;
  return /key$/.test(glued) ? 'key' : /token$/.test(glued) ? 'token' : /secret$/.test(glued) ? 'secret' : 'password';
}

// Values that are switches or nulls, not secrets, even under a secret name (`--use_auth_token True`, `token: null`).
const SWITCH_VALUE = /^(true|false|yes|no|on|off|none|null|nil|undefined|0|1)$/i;

/**
 * The kind of secret a named value is because of its name (`password=hunter2` -> `password`),
 * or undefined: the name is not a secret name, or the value is empty, a switch (`true`, `0`), a
 * null, or already redacted.
 */
export function secretParamKind(name: string, value: string): string | undefined {
  const kind = secretNameKind(name);
  const v = value.trim();
  if (!kind || v === '' || SWITCH_VALUE.test(v) || isRedacted(v)) return undefined;
  return kind;
}

/**
 * A parameter's value as a bundle may hold it: `[REDACTED:<kind>]` when its name says it is a
 * secret (`password`, `DB_PASSWORD`, `hf-token`, `authToken`, `api_key`, ...; see
 * `secretNameKind`), whatever the value; otherwise the value with any secret in it redacted.
 */
export function redactParam(name: string, value: string, extraPatterns: readonly ExtraPattern[] = []): string {
  const kind = secretParamKind(name, value);
  return kind ? redacted(kind) : redactText(value, extraPatterns);
}

/**
 * A name made from text for a run id, a directory or a node: the text redacted, every run of
 * characters other than `A-Z a-z 0-9 . _ -` one `-`, at most 64 characters, `fallback` when
 * nothing is left. A redacted secret leaves `REDACTED` behind, nothing of itself.
 */
export function redactedName(text: string, fallback = 'run'): string {
  const name = redactText(text)
    .replace(/\[REDACTED:[^\]]*\]/g, 'REDACTED')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 64)
    .replace(/[-.]+$/, '');
  return name || fallback;
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
    const keepUser = colon < 0 && !/^(?:[A-Za-z0-9.-]*\+)?https?:/i.test(scheme) && user !== '' && !findSecrets(user, extraPatterns).length;
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
    query = '?' + beforeHash.slice(queryAt + 1).split('&').map(redactQueryParam).join('&');
  }
  return redactText(scheme + host + path + query + hash, extraPatterns);
}

function redactQueryParam(param: string): string {
  const eq = param.indexOf('=');
  if (eq < 0) return param;
  const kind = secretNameKind(decodeName(param.slice(0, eq)));
  const value = param.slice(eq + 1);
  if (!kind || value === '' || isRedacted(value)) return param;
  return `${param.slice(0, eq)}=${redacted(kind)}`;
}

export interface RedactArgvOptions {
  /** Flags whose next argument (or `=value`) is always a secret, such as `-p` for a database client. */
  secretFlags?: readonly string[];
  extraPatterns?: readonly ExtraPattern[];
}

/**
 * Programs whose short flags take a password although the flag's name does not say so. `flags`
 * take it as the next argument or after `=`; `attached` also as `-pVALUE`. Once the program is
 * named in a command line, its flags count for the rest of the line. (psql has no password flag:
 * its password comes in PGPASSWORD=... or a postgresql:// URL, both redacted anyway.)
 */
export const PASSWORD_FLAGS: Readonly<Record<string, { flags: readonly string[]; attached?: readonly string[]; after?: string }>> = {
  ...Object.fromEntries(['mysql', 'mysqldump', 'mysqladmin', 'mysqlimport', 'mysqlshow', 'mysqlcheck', 'mysqlpump', 'mysqlsh', 'mariadb', 'mariadb-dump', 'mariadb-admin', 'mariadb-import', 'mariadb-check']
    .map((tool) => [tool, { flags: ['-p'], attached: ['-p'] }])),
  ...Object.fromEntries(['mongo', 'mongosh', 'mongodump', 'mongorestore', 'mongoexport', 'mongoimport', 'mongostat', 'mongotop']
    .map((tool) => [tool, { flags: ['-p'], attached: ['-p'] }])),
  sshpass: { flags: ['-p'], attached: ['-p'] },
  'redis-cli': { flags: ['-a'], attached: ['-a'] },
  sqlcmd: { flags: ['-P'], attached: ['-P'] },
  bcp: { flags: ['-P'], attached: ['-P'] },
  zip: { flags: ['-P'] },
  unzip: { flags: ['-P'] },
  '7z': { flags: [], attached: ['-p'] },
  '7za': { flags: [], attached: ['-p'] },
  rar: { flags: [], attached: ['-p'] },
  unrar: { flags: [], attached: ['-p'] },
  ...Object.fromEntries(['ldapsearch', 'ldapadd', 'ldapmodify', 'ldapdelete', 'ldapwhoami', 'ldappasswd', 'ldapcompare', 'ldapmodrdn']
    .map((tool) => [tool, { flags: ['-w'], attached: ['-w'] }])),
  curl: { flags: ['-u', '--user', '-U', '--proxy-user', '-E', '--cert', '--oauth2-bearer'] },
  wget: { flags: ['--http-password', '--ftp-password', '--proxy-password'] },
  smbclient: { flags: ['-U', '--user'] },
  openssl: { flags: ['-passin', '-passout', '-pass', '-k', '-kfile'] },
  'ssh-keygen': { flags: ['-N', '-P'] },
  htpasswd: { flags: [] },
  docker: { flags: ['-p'], after: 'login' },
  podman: { flags: ['-p'], after: 'login' },
  nerdctl: { flags: ['-p'], after: 'login' },
  helm: { flags: [], after: 'login' },
};

const commandName = (arg: string) => (arg.split(/[\\/]/).pop() ?? arg).replace(/\.exe$/i, '');
// `NAME=value` as an environment setting (`env MY_TOKEN=x cmd`) or an override (`db.password=x`, `+auth.token=x`).
const SETTING = /^([+~]{0,2}[A-Za-z_][A-Za-z0-9_.-]*)=(.*)$/s;

/**
 * A command line without secrets: the value after a flag whose name looks secret
 * (`--token X`, `--password=X`, `-token X`, `--hfToken=X`), after a password flag of a program
 * that takes one (`mysql -pX`, `mysql -p X`, `sshpass -p X`, `redis-cli -a X`, see
 * `PASSWORD_FLAGS`) and of the flags in `secretFlags`; the value of a `NAME=value` setting whose
 * name is a secret name (`env MY_TOKEN=X`, `db.password=X`); a whole command line inside one
 * argument (`sh -c '... --password X'`), word by word; and any secret inside an argument (URLs
 * with credentials, `KEY=value` settings, known token formats). Arguments keep their positions:
 * the result has as many elements as `argv`.
 */
export function redactArgv(argv: readonly string[], options: RedactArgvOptions = {}): string[] {
  const extra = options.extraPatterns ?? [];
  const explicit = new Set(options.secretFlags ?? []);
  let tool: (typeof PASSWORD_FLAGS)[string] | undefined;
  let toolActive = false;
  const toolFlags = () => (tool && toolActive ? tool.flags : []);
  const flagKind = (flag: string) =>
    explicit.has(flag) || toolFlags().includes(flag) ? 'password' : /^--?[A-Za-z]/.test(flag) ? secretNameKind(flag) : undefined;
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('-')) {
      const program = PASSWORD_FLAGS[commandName(arg)];
      if (program) {
        tool = program;
        toolActive = !program.after;
      } else if (tool?.after === arg) toolActive = true;
    }
    if (/\s/.test(arg.trim())) {
      out.push(redactCommandString(arg, options));
      continue;
    }
    const attached = tool && toolActive ? tool.attached?.find((flag) => arg.startsWith(flag) && arg.length > flag.length && !arg.startsWith(`${flag}=`)) : undefined;
    if (attached) {
      const value = arg.slice(attached.length);
      out.push(isRedacted(value) ? arg : `${attached}${redacted('password')}`);
      continue;
    }
    const eq = arg.indexOf('=');
    if (arg.startsWith('-') && eq > 0) {
      const kind = flagKind(arg.slice(0, eq));
      const value = arg.slice(eq + 1);
      out.push(kind && value && !SWITCH_VALUE.test(value) && !isRedacted(value)
        ? `${arg.slice(0, eq)}=${redacted(kind)}`
        : redactText(arg, extra));
      continue;
    }
    const setting = SETTING.exec(arg);
    if (setting) {
      const kind = secretParamKind(setting[1]!, setting[2]!);
      out.push(kind ? `${setting[1]}=${redacted(kind)}` : redactText(arg, extra));
      continue;
    }
    out.push(redactText(arg, extra));
    const kind = arg.startsWith('-') && arg !== '-' && arg !== '--' ? flagKind(arg) : undefined;
    const next = argv[i + 1];
    if (kind && next !== undefined && !next.startsWith('-') && !SWITCH_VALUE.test(next)) {
      out.push(isRedacted(next) ? next : redacted(kind));
      i++;
    }
  }
  return out;
}

/**
 * A command line held in one string (`sh -c 'mysql -phunter2 db'`, a `command:` of a config)
 * without secrets: split into words as a POSIX shell would, each word redacted as by
 * `redactArgv`, and the words that changed written back in place (quoted where needed). The
 * rest of the text (quoting, spacing, `;`, `&&`, `|`) is kept; what is left goes through
 * `redactText`.
 */
export function redactCommandString(text: string, options: RedactArgvOptions = {}): string {
  const words = shellWords(text);
  if (!words.length) return redactText(text, options.extraPatterns);
  const values = words.map((w) => w.value);
  const red = redactArgv(values, options);
  let out = '';
  let at = 0;
  words.forEach((word, i) => {
    const value = red[i]!;
    if (value === word.value) return;
    out += text.slice(at, word.start) + quoteWord(value);
    at = word.end;
  });
  return redactText(out + text.slice(at), options.extraPatterns);
}

function quoteWord(word: string): string {
  return word !== '' && !/[\s'"\\$`;&|<>(){}*?!#~]/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The words of a shell command line with where each starts and ends; operators (`;`, `&&`, `|`, ...) end a word and are not words. */
function shellWords(text: string): { value: string; start: number; end: number }[] {
  const words: { value: string; start: number; end: number }[] = [];
  let value = '';
  let start = -1;
  let i = 0;
  const finish = () => {
    if (start >= 0) words.push({ value, start, end: i });
    value = '';
    start = -1;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c) || ';&|<>()'.includes(c)) {
      finish();
      i++;
      continue;
    }
    if (start < 0) start = i;
    if (c === "'") {
      const close = text.indexOf("'", i + 1);
      const end = close < 0 ? text.length : close;
      value += text.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length && '"\\$`\n'.includes(text[i + 1]!)) i++;
        value += text[i];
        i++;
      }
      i++;
    } else if (c === '\\' && i + 1 < text.length) {
      value += text[i + 1];
      i += 2;
    } else {
      value += c;
      i++;
    }
  }
  i = Math.min(i, text.length);
  finish();
  return words;
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
  // TensorFlow's documented variables by name: `TF_` is also Terraform's prefix (TF_VAR_*, TF_CLI_CONFIG_FILE, TF_WORKSPACE, ...).
  'TF_DETERMINISTIC_OPS', 'TF_CUDNN_DETERMINISTIC', 'TF_CUDNN_USE_AUTOTUNE', 'TF_CUDNN_RESET_RND_GEN_STATE', 'TF_ENABLE_ONEDNN_OPTS',
  'TF_CPP_MIN_LOG_LEVEL', 'TF_CPP_MAX_VLOG_LEVEL', 'TF_CPP_VMODULE', 'TF_GPU_ALLOCATOR', 'TF_FORCE_GPU_ALLOW_GROWTH', 'TF_XLA_FLAGS',
  'TF_NUM_INTEROP_THREADS', 'TF_NUM_INTRAOP_THREADS', 'TF_GPU_THREAD_MODE', 'TF_GPU_THREAD_COUNT', 'TF_ENABLE_AUTO_MIXED_PRECISION',
  'TF_USE_LEGACY_KERAS', 'TF_CONFIG', 'KERAS_BACKEND',
  'XLA_FLAGS', 'XLA_PYTHON_CLIENT_*', 'JAX_*',
  'HF_*', 'TRANSFORMERS_*', 'ACCELERATE_*', 'MLFLOW_TRACKING_URI', 'MLFLOW_EXPERIMENT_NAME',
  // distributed runs and schedulers
  'WORLD_SIZE', 'RANK', 'LOCAL_RANK', 'LOCAL_WORLD_SIZE', 'GROUP_RANK', 'NODE_RANK', 'MASTER_ADDR', 'MASTER_PORT',
  'SLURM_*', 'PBS_JOBID', 'PBS_JOBNAME', 'PBS_NODEFILE', 'LSB_JOBID',
  // locale, time, runtime
  'LANG', 'LANGUAGE', 'LC_*', 'TZ', 'NODE_ENV', 'NODE_OPTIONS',
];

/**
 * Whether a variable's name says it holds a secret: a secret name (`secretNameKind`), or `*_TOKEN*`, `*_KEY*`, `*_SECRET*`,
 * `*PASSWORD*`, `*_PASSWD`, `*_CREDENTIALS` and the like (whole words of the name, so
 * `TOKENIZERS_PARALLELISM` is not).
 */
export function isSecretName(name: string): boolean {
  const upper = name.toUpperCase();
  if (upper === 'PWD' || upper === 'OLDPWD') return false; // the working directory, not a password
  if (/PASSWORD|PASSWD|PASSPHRASE|SECRET|CREDENTIAL/.test(upper)) return true;
  if (secretNameKind(name)) return true;
  return upper.split(/[_.-]+/).some((w) => ENV_SECRET_WORDS.has(w));
}

/** Words that make a variable secret wherever they stand in its name (`GITHUB_TOKEN_RO`, `AWS_KEY_ID`), and the
 *  variables that carry HTTP headers or cookies (`HF_HUB_HEADERS`, `OTEL_EXPORTER_OTLP_HEADERS`). */
const ENV_SECRET_WORDS = new Set(['TOKEN', 'KEY', 'APIKEY', 'PASS', 'PAT', 'AUTH', 'PRIVATE', 'HEADER', 'HEADERS', 'COOKIE', 'COOKIES', 'SIGNATURE', 'SIG', 'CREDS']);

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
  return new RegExp(`^${glob.split('*').map(escapeRegExp).join('.*')}$`);
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A secret known by its value (a password, a token from the environment) as a pattern: matched
 * as it is written, never read as a regular expression (a string pattern is one: `s3cret(pw` would
 * not compile, and the `+` of a base64 value would stop it from matching itself).
 */
export function literalSecret(value: string, kind = 'credential'): SecretPattern {
  return { kind, pattern: new RegExp(escapeRegExp(value), 'g') };
}
