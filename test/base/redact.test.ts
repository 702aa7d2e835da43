import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectEnvironment } from '../../src/collect/environment.js';
import { collectGit } from '../../src/collect/git.js';
import {
  DEFAULT_ENV_ALLOW, SECRET_PATTERNS, findSecrets, findSecretsWith, secretPatternsIn, isSecretName, redactArgv, redactCommandString, redactEnv, redactParam,
  redactText, redactUrl, redactedName, secretNameKind,
} from '../../src/base/redact.js';
import { writeProv } from '../../src/io/write.js';
import { DataFactory } from 'n3';
import { namedSecrets, redactQuad, redactQuads, RunGraph } from '../../src/prov/graph.js';
import { PROV } from '../../src/prov/namespaces.js';
import { RUN_PREFIXES } from '../../src/prov/vocabulary.js';

const { namedNode: namedNodeOf, literal: literalOf, quad: quadOf } = DataFactory;
const RDFS_LABEL = namedNodeOf('http://www.w3.org/2000/01/rdf-schema#label');
const RDFS_SEE_ALSO = namedNodeOf('http://www.w3.org/2000/01/rdf-schema#seeAlso');

// Fake but well-formed secrets of each kind.
const AWS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const GITHUB = 'ghp_1A2b3C4d5E6f7G8h9I0jK1lM2nO3pQ4rS5tU';
const GITHUB_PAT = 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRS';
const HF = 'hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ01234567';
const OPENAI = 'sk-proj-Ab3dEf6hIj9kLmN0pQrStUvWxYz12345';
const SLACK = 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx';
const GOOGLE = 'AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';

/** Every match of every built-in pattern in `texts` (as written, upper- and lower-cased) holds one of its clues, which secretPatternsIn looks for first. */
function expectCluesInMatches(texts: readonly string[]): void {
  let matched = 0;
  for (const text of texts.flatMap((t) => [t, t.toUpperCase(), t.toLowerCase()])) {
    for (const { kind, pattern, clues } of SECRET_PATTERNS) {
      if (!clues) continue;
      for (const match of text.matchAll(new RegExp(pattern.source, pattern.flags))) {
        matched++;
        expect(clues.some((clue) => match[0].toLowerCase().includes(clue)), `${kind} matched ${JSON.stringify(match[0])}`).toBe(true);
      }
    }
  }
  expect(matched).toBeGreaterThan(texts.length);
}

describe('findSecrets', () => {
  const cases: [string, string, string][] = [
    ['aws-access-key-id', `key id ${AWS_KEY_ID} here`, AWS_KEY_ID],
    ['aws-access-key-id', 'ASIAY34FZKBOKMUTVV7A', 'ASIAY34FZKBOKMUTVV7A'],
    ['aws-secret-access-key', `aws_secret_access_key = ${AWS_SECRET}`, AWS_SECRET],
    ['aws-secret-access-key', `AWS_SECRET_ACCESS_KEY="${AWS_SECRET}"`, AWS_SECRET],
    ['github-token', `push with ${GITHUB}`, GITHUB],
    ['github-token', `token ${GITHUB_PAT}.`, GITHUB_PAT],
    ['github-token', 'gho_16C7e42F292c6912E7710c838347Ae178B4a', 'gho_16C7e42F292c6912E7710c838347Ae178B4a'],
    ['huggingface-token', `login ${HF}`, HF],
    ['openai-key', `key: ${OPENAI}`, OPENAI],
    ['openai-key', `OPENAI_KEY_${OPENAI}`, OPENAI],
    ['slack-token', SLACK, SLACK],
    ['google-api-key', `?k=${GOOGLE}`, GOOGLE],
    ['jwt', `cookie ${JWT};`, JWT],
    ['bearer-token', 'Authorization: Bearer abc123.def456-ghi', 'abc123.def456-ghi'],
    ['password', 'postgres://admin:s3cr3t@db.example.org:5432/ml', 's3cr3t'],
    ['password', 'mysql --password=hunter2 -u root', 'hunter2'],
    ['password', 'DB_PASSWORD=correct-horse', 'correct-horse'],
    ['password', '{"password": "p4ssw"}', 'p4ssw'],
    ['password', 'password = "hunter2"', 'hunter2'],
    ['token', "hf_token: 'abc123'", 'abc123'],
    ['token', 'https://api.example.org/v1?access_token=abc123&page=2', 'abc123'],
    ['secret', 'client_secret=xyz789;', 'xyz789'],
    ['api-key', 'OPENAI_API_KEY=not-a-real-one', 'not-a-real-one'],
  ];
  for (const [kind, text, secret] of cases) {
    it(`finds ${kind} in ${JSON.stringify(text.slice(0, 40))}`, () => {
      const found = findSecrets(text);
      expect(found).toHaveLength(1);
      expect(found[0]!.kind).toBe(kind);
      expect(text.substr(found[0]!.index, found[0]!.length)).toBe(secret);
      expect(redactText(text)).not.toContain(secret);
      expect(redactText(text)).toContain(`[REDACTED:${kind}]`);
    });
  }

  it('secretPatternsIn keeps, from one scan of many texts, every pattern that finds something in one of them', () => {
    const clean = ['python train.py --lr 3e-4', 'commit 9fceb02d0ae598e95dc970b74767f19372d61af8', 'https://github.com/o/r.git'];
    expect(secretPatternsIn(clean)).toEqual([]);
    for (const [, text] of cases) {
      const patterns = secretPatternsIn([...clean, text, ...clean]);
      expect(findSecretsWith(text, patterns)).toEqual(findSecrets(text));
    }
    const anchored = { kind: 'lab-id', pattern: /^LAB-\d+$/g };
    expect(findSecretsWith('LAB-42', secretPatternsIn(clean, [anchored]))).toEqual([{ kind: 'lab-id', index: 0, length: 6 }]);
  });

  it('gives every built-in pattern but the flag one clues that its matches hold, so that a text without them skips it', () => {
    expect(SECRET_PATTERNS.filter((p) => !p.clues).map((p) => p.kind)).toEqual(['flag']);
    expectCluesInMatches(cases.map(([, text]) => text));
    // A clue alone is not a find: the pattern still decides.
    expect(secretPatternsIn(['private key', 'AKIA', 'token', 'password', 'x=1'])).toEqual([]);
  });

  it('redacts a whole private key block, also a truncated one', () => {
    const block = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy\n-----END RSA PRIVATE KEY-----';
    expect(redactText(`key:\n${block}\ndone`)).toBe('key:\n[REDACTED:private-key]\ndone');
    expect(redactText('-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU')).toBe('[REDACTED:private-key]');
  });

  it('leaves ordinary text alone', () => {
    const harmless = [
      'python train.py --tokenizer bert-base-uncased --max_tokens=512 --lr 3e-4',
      'TOKENIZERS_PARALLELISM=false OMP_NUM_THREADS=4',
      'commit 9fceb02d0ae598e95dc970b74767f19372d61af8 on main',
      'pip install scikit-learn sk-video', 'from huggingface_hub import hf_hub_download',
      'see https://github.com/o/r.git and git@github.com:o/r.git', 'Bearer authentication is described in RFC 6750',
      'token=$HF_TOKEN password=${DB_PASSWORD}', 'the password field', 'AKIA is a prefix', 'password=****',
      // ML code and configs: special tokens, comparisons, calls, PRNG keys
      'tokenizer.pad_token = tokenizer.eos_token', 'pad_token="<pad>"', '{"eos_token": "</s>", "unk_token": "[UNK]"}', 'mask_token=MASK',
      'task-0123456789abcdefghij0123 disk-0123456789abcdefghij', 'token = next(tokens)', 'if token == 3:', 'key = jax.random.PRNGKey(0)', 'password = getpass()', 'api_key=os.getenv("K")',
    ];
    for (const text of harmless) {
      expect(findSecrets(text), text).toEqual([]);
      expect(redactText(text)).toBe(text);
    }
  });

  it('keeps the user of a URL credential and is idempotent', () => {
    const text = 'clone https://user:hunter2@example.org/r.git and https://u2:p%40ss@host2/x';
    const once = redactText(text);
    expect(once).toBe('clone https://user:[REDACTED:password]@example.org/r.git and https://u2:[REDACTED:password]@host2/x');
    expect(redactText(once)).toBe(once);
    expect(findSecrets(once)).toEqual([]);
    const all = [AWS_KEY_ID, GITHUB, HF, OPENAI, SLACK, GOOGLE, JWT, 'password=hunter2', 'Bearer abcd1234efgh'].join(' ');
    expect(redactText(redactText(all))).toBe(redactText(all));
  });

  it('names the most specific kind when patterns overlap, and merges overlapping finds', () => {
    expect(redactText(`https://x:${GITHUB}@github.com/o/r`)).toBe('https://x:[REDACTED:github-token]@github.com/o/r');
    expect(redactText(`HF_TOKEN=${HF}`)).toBe('HF_TOKEN=[REDACTED:huggingface-token]');
    expect(redactText(`Authorization: Bearer ${JWT}`)).toBe('Authorization: Bearer [REDACTED:jwt]');
  });

  it('takes extra patterns: SecretPattern, RegExp and regex source', () => {
    const text = 'internal ACME-1234567 and corp-key-99';
    expect(redactText(text, [{ kind: 'acme', pattern: /ACME-\d{7}/g }, /corp-key-\d+/])).toBe('internal [REDACTED:acme] and [REDACTED:custom]');
    expect(redactText(text, ['ACME-(?<secret>\\d+)'])).toBe('internal ACME-[REDACTED:custom] and corp-key-99');
    expect(SECRET_PATTERNS.every((p) => p.pattern.flags.includes('g'))).toBe(true);
  });
});

describe('redactUrl', () => {
  it('strips credentials from http(s) URLs', () => {
    expect(redactUrl(`https://user:${GITHUB}@github.com/o/r.git`)).toBe('https://github.com/o/r.git');
    expect(redactUrl(`https://${GITHUB}@github.com/o/r.git`)).toBe('https://github.com/o/r.git');
    expect(redactUrl('https://oauth2:p@ss@gitlab.example.org/g/r.git')).toBe('https://gitlab.example.org/g/r.git');
    expect(redactUrl('https://github.com/o/r.git')).toBe('https://github.com/o/r.git');
  });

  it('keeps an ssh user but not a password', () => {
    expect(redactUrl('ssh://git@github.com/o/r.git')).toBe('ssh://git@github.com/o/r.git');
    expect(redactUrl('ssh://git:pw@github.com/o/r.git')).toBe('ssh://github.com/o/r.git');
    expect(redactUrl('git@github.com:o/r.git')).toBe('git@github.com:o/r.git');
  });

  it('redacts secret query parameters and secrets anywhere else', () => {
    expect(redactUrl('https://s3.example.org/b/k?X-Amz-Credential=AK%2F2024&X-Amz-Signature=abcdef&versionId=3'))
      .toBe('https://s3.example.org/b/k?X-Amz-Credential=[REDACTED:credential]&X-Amz-Signature=[REDACTED:signature]&versionId=3');
    expect(redactUrl('https://h/x?api_key=123&q=token#frag')).toBe('https://h/x?api_key=[REDACTED:key]&q=token#frag');
    expect(redactUrl(`https://h/hooks/${GITHUB}`)).toBe('https://h/hooks/[REDACTED:github-token]');
    expect(redactUrl('https://h/x?tokenizer=bert&max_tokens=5')).toBe('https://h/x?tokenizer=bert&max_tokens=5');
  });
});

describe('redactArgv', () => {
  it('redacts values of secret-looking flags in every form', () => {
    expect(redactArgv(['train.py', '--password', 'hunter2', '--lr', '0.1'])).toEqual(['train.py', '--password', '[REDACTED:password]', '--lr', '0.1']);
    expect(redactArgv(['--hf-token=abc', '--apiKey', 'k1', '-token', 'gotok', '--db_secret=s', '--aws-credentials', 'c'])).toEqual([
      '--hf-token=[REDACTED:token]', '--apiKey', '[REDACTED:key]', '-token', '[REDACTED:token]', '--db_secret=[REDACTED:secret]',
      '--aws-credentials', '[REDACTED:credential]',
    ]);
    expect(redactArgv(['mysql', '-u', 'root', '-p', 'hunter2'], { secretFlags: ['-p'] })).toEqual(['mysql', '-u', 'root', '-p', '[REDACTED:password]']);
  });

  it('keeps flags that only look alike, switches and following flags', () => {
    const argv = ['--tokenizer', 'bert', '--max-tokens', '128', '--author', 'me', '--use_auth_token', 'True', '--auth', '--lr', '1e-3', '-p', '8080'];
    expect(redactArgv(argv)).toEqual(argv);
    const ml = ['--pad-token', 'PAD', '--eos_token', '</s>', '--token-file', 'secrets/t.txt', '--password-file', 'pw.txt', '--sort-key', 'name'];
    expect(redactArgv(ml)).toEqual(ml);
  });

  it('redacts secrets inside arguments and keeps positions', () => {
    const argv = ['git', 'clone', `https://me:${GITHUB}@github.com/o/r`, `MY_TOKEN=${HF}`, 'data.csv'];
    const out = redactArgv(argv);
    expect(out).toHaveLength(argv.length);
    expect(out.join(' ')).not.toContain(GITHUB);
    expect(out.join(' ')).not.toContain(HF);
    expect(out[4]).toBe('data.csv');
    expect(redactArgv(out)).toEqual(out);
  });
});

describe('redactEnv', () => {
  const env = {
    OMP_NUM_THREADS: '4', PYTHONHASHSEED: '0', CUBLAS_WORKSPACE_CONFIG: ':4096:8', PYTORCH_CUDA_ALLOC_CONF: 'expandable_segments:True',
    SLURM_JOB_ID: '42', TOKENIZERS_PARALLELISM: 'false', HOME: '/home/me', PATH: '/usr/bin', USER: 'me',
    HF_TOKEN: HF, NVIDIA_API_KEY: 'nv-secret', SLURM_DB_PASSWORD: 'pw', MY_TOKEN: 't', MY_API_KEY: 'k', DB_SECRET: 's',
    AWS_CREDENTIALS: 'c', PGPASSWORD: 'pg', PIP_INDEX_URL: 'https://u:pw123@pypi.example.org/simple', TF_XLA_FLAGS: `x ${GITHUB}`,
    UNSET: undefined,
  };

  it('records allow-listed variables only, never secret-named ones, values redacted', () => {
    const { recorded, redactedNames } = redactEnv(env);
    expect(recorded).toEqual({
      CUBLAS_WORKSPACE_CONFIG: ':4096:8', OMP_NUM_THREADS: '4', PIP_INDEX_URL: 'https://u:[REDACTED:password]@pypi.example.org/simple',
      PYTHONHASHSEED: '0', PYTORCH_CUDA_ALLOC_CONF: 'expandable_segments:True', SLURM_JOB_ID: '42', TF_XLA_FLAGS: 'x [REDACTED:github-token]',
      TOKENIZERS_PARALLELISM: 'false',
    });
    expect(redactedNames).toEqual(['AWS_CREDENTIALS', 'DB_SECRET', 'HF_TOKEN', 'MY_API_KEY', 'MY_TOKEN', 'NVIDIA_API_KEY', 'PGPASSWORD', 'SLURM_DB_PASSWORD']);
  });

  it('extends the allow-list, or replaces it; a secret name is never recorded even when allowed', () => {
    expect(redactEnv(env, { allow: ['USER', 'MY_TOKEN', 'HOM*'] }).recorded).toMatchObject({ USER: 'me', HOME: '/home/me', OMP_NUM_THREADS: '4' });
    expect(redactEnv(env, { allow: ['MY_TOKEN'] }).recorded).not.toHaveProperty('MY_TOKEN');
    expect(redactEnv(env, { allow: ['USER'], defaults: false }).recorded).toEqual({ USER: 'me' });
    expect(DEFAULT_ENV_ALLOW).toContain('CUDA_VISIBLE_DEVICES');
    expect(DEFAULT_ENV_ALLOW).not.toContain('PATH');
  });

  it('tells secret names by whole words', () => {
    for (const name of ['GITHUB_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'OPENAI_API_KEY', 'DB_PASSWORD', 'MYPASSWORD', 'GCP_CREDENTIALS', 'DB_PASSWD', 'GH_PAT']) {
      expect(isSecretName(name), name).toBe(true);
    }
    for (const name of ['TOKENIZERS_PARALLELISM', 'PATH', 'KEYBOARD_LAYOUT', 'OMP_NUM_THREADS', 'PYTHONHASHSEED']) {
      expect(isSecretName(name), name).toBe(false);
    }
    expect(secretNameKind('--hfToken')).toBe('token');
    expect(secretNameKind('--max-tokens')).toBeUndefined();
    expect(secretNameKind('X-Amz-Signature')).toBe('signature');
    expect(secretNameKind('--token-file')).toBeUndefined();
    // Lower-cased, the Kelvin sign (U+212A) is a plain k: the quick test for a secret word must see it too.
    expect(secretNameKind('API_\u212AEY')).toBe('key');
    expect(secretNameKind('--hf-to\u212Aen')).toBe('token');
  });
});

describe('no secret reaches a serialised bundle', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('plants secrets in the command line, the environment and the git remote; none is written, the facts are', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'reprov-secrets-'));
    dirs.push(dir);
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
    git('init', '-q', '-b', 'main');
    git('config', 'user.name', 'Test');
    git('config', 'user.email', 'test@example.org');
    git('config', 'commit.gpgsign', 'false');
    writeFileSync(path.join(dir, 'train.py'), 'print("hi")\n');
    git('add', '.');
    git('commit', '-q', '-m', 'init');
    git('remote', 'add', 'origin', `https://user:${GITHUB}@github.com/o/r.git`);
    writeFileSync(path.join(dir, 'train.py'), `print("hi")\nAPI = "${OPENAI}"\n`);
    const sha = git('rev-parse', 'HEAD');

    const secrets = [AWS_KEY_ID, AWS_SECRET, GITHUB, HF, OPENAI, 'hunter2', 'pgpass99', 'mytoken-value', 'my-api-key-value', 'db-secret-value'];
    const graph = new RunGraph('https://example.org/runs/r1/');
    const ctx = {
      graph, run: graph.node('run'), cwd: dir,
      env: {
        OMP_NUM_THREADS: '4', MY_TOKEN: 'mytoken-value', MY_API_KEY: 'my-api-key-value', DB_SECRET: 'db-secret-value',
        AWS_ACCESS_KEY_ID: AWS_KEY_ID, AWS_SECRET_ACCESS_KEY: AWS_SECRET, HF_TOKEN: HF, PATH: process.env.PATH ?? '',
        MLFLOW_TRACKING_URI: 'https://ml:pgpass99@mlflow.example.org', PYTORCH_NOTE: `uses ${AWS_KEY_ID}`,
      },
    };
    const argv = ['node', 'no-such-script.js', '--password', 'hunter2', `--hf-token=${HF}`, '--db', `postgres://u:pgpass99@db/x`,
      `AWS_SECRET_ACCESS_KEY=${AWS_SECRET}`, '--repo', `https://x:${GITHUB}@github.com/o/r`, '--seed', '1234'];
    const env = await collectEnvironment(ctx, { argv });
    const state = await collectGit(ctx, { includeDiff: true });
    expect(state.unknown).toBe(false);
    if (state.unknown) return;
    expect(state.diff).toBeDefined();
    expect(state.diffRedacted).toBe(true);

    const dataset = { quads: graph.quads, prefixes: { ...RUN_PREFIXES }, warnings: [], skipped: [] };
    const outputs = {
      turtle: await writeProv(dataset, 'turtle'),
      provjson: await writeProv(dataset, 'provjson'),
      returned: JSON.stringify({ env, state: { ...state, node: undefined } }),
      quads: graph.quads.map((q) => `${q.subject.value} ${q.predicate.value} ${q.object.value}`).join('\n'),
    };
    for (const [name, text] of Object.entries(outputs)) {
      for (const secret of secrets) expect(text, `${name} holds ${secret}`).not.toContain(secret);
      expect(text, name).toContain('OMP_NUM_THREADS');
      expect(text, name).toContain(sha);
      expect(text, name).toContain('github.com/o/r.git');
      expect(text, name).toContain('1234');
    }
    for (const name of ['turtle', 'provjson'] as const) {
      expect(outputs[name]).toMatch(/"4"/);
      for (const variable of ['MY_TOKEN', 'MY_API_KEY', 'DB_SECRET', 'HF_TOKEN']) expect(outputs[name]).toContain(variable);
      expect(outputs[name]).toContain('[REDACTED:password]');
    }
  });
});

describe('issue 10: the forms that leaked', () => {
  const NV = ['nv', 'api-', 'Ab3dEf6hIj9kLmN0pQrStUvWxYz12345'].join('');
  const GL = ['gl', 'pat-', 'Ab3dEf6hIj9kLmN0pQrS'].join('');
  const cases: [string, string, string][] = [
    ['nvidia-api-key', `NGC key ${NV}`, NV],
    ['gitlab-token', `push ${GL}`, GL],
    ['token', 'clone https://ghtoken123abc@github.com/o/r.git', 'ghtoken123abc'],
    ['token', 'pip install git+https://abcdefTOKEN@github.com/o/r.git', 'abcdefTOKEN'],
    ['password', '+git+https://u:tok3n@github.com/o/r.git', 'tok3n'],
    ['signature', 'https://acct.blob.core.windows.net/c/x?sv=2022-11-02&sig=AbCdEf%2B123&se=2030', 'AbCdEf%2B123'],
    ['auth', 'https://h/x?auth=abcdef', 'abcdef'],
    ['key', 'https://maps.example.org/api?key=abcdef', 'abcdef'],
    ['token', 'https://h/x?page=1&token=abcdef', 'abcdef'],
    ['signature', 'https://s3/b/k?X-Amz-Date=1&X-Amz-Signature=deadbeef', 'deadbeef'],
    ['authorization', 'curl -H "Authorization: Basic dXNlcjpwYXNz"', 'dXNlcjpwYXNz'],
    ['authorization', '{"Authorization": "Bearer abcdefghij"}', 'abcdefghij'],
    ['bearer-token', 'Bearer abcdefghijklmnopq', 'abcdefghijklmnopq'],
    ['bearer-token', 'Bearer AbcdefGhijk', 'AbcdefGhijk'],
    ['api-key', 'aws:\n  secret_key: abcdef123\n', 'abcdef123'],
    ['api-key', ' lr: 1\n+secret_key: from-a-diff\n', 'from-a-diff'],
    ['password', 'db:\n  - password: correct horse battery\n', 'correct horse battery'],
    ['token', 'python train.py --token abc123 --lr 1', 'abc123'],
    ['password', "deploy --password 'two words'", 'two words'],
    ['password', 'mysql -u root -phunter2 db', 'hunter2'],
    ['password', 'sshpass -p hunter2 ssh host', 'hunter2'],
    ['password', 'redis-cli -h r -a hunter2 ping', 'hunter2'],
  ];
  it('every match holds a clue of its pattern', () => expectCluesInMatches(cases.map(([, text]) => text)));
  for (const [kind, text, secret] of cases) {
    it(`finds ${kind} in ${JSON.stringify(text.slice(0, 50))}`, () => {
      const found = findSecrets(text);
      expect(found.map((f) => text.substr(f.index, f.length))).toEqual([secret]);
      expect(found[0]!.kind).toBe(kind);
      const once = redactText(text);
      expect(once).not.toContain(secret);
      expect(redactText(once)).toBe(once);
      expect(findSecrets(once)).toEqual([]);
    });
  }

  it('leaves ordinary text alone', () => {
    for (const text of [
      'api_key: str', 'password: Optional[str] = None', '    token: str = ""', 'secret_key: null', 'token: ~', 'hf_token: ${HF_TOKEN}',
      'Bearer authentication', 'Authorization header', 'see https://github.com/o/r and ssh://git@github.com/o/r.git',
      'https://h/x?page=2&sort=asc&tokenizer=bert', 'python train.py --max-tokens 512 --tokenizer gpt2 --use_auth_token True --token $T',
      'psql -h db -p 5432 -U me', 'docker run -p 8080:80 img', 'mysql --port 3306', "parser.add_argument('--token', default=None)",
      'pad_token: <pad>', 'max_tokens: 512', 'author: alice',
    ]) {
      expect(findSecrets(text), text).toEqual([]);
    }
  });

  it('tells secret names from ordinary ones (the secret-name list)', () => {
    for (const name of ['password', 'passwd', 'secret', 'token', 'api_key', 'apikey', 'access_key', 'private_key', 'credential', 'auth',
      'DB_PASSWORD', 'hf-token', 'authToken', 'HFTOKEN', 'dbpassword', 'client_secret', 'X-Api-Key', 'db.password', 'Cookie']) {
      expect(secretNameKind(name), name).toBeDefined();
    }
    for (const name of ['max_tokens', 'tokenizer', 'pad_token', 'author', 'num_tokens', 'tokenizer_name', 'lr', 'label_key', 'sort_key',
      'rng_key', 'token_file', 'use_token', 'n_tokens', 'authority', 'keyword', 'secretary_name']) {
      expect(secretNameKind(name), name).toBeUndefined();
    }
    expect(isSecretName('HF_HUB_HEADERS')).toBe(true);
    expect(isSecretName('OTEL_EXPORTER_OTLP_HEADERS')).toBe(true);
    expect(isSecretName('PWD')).toBe(false);
  });

  it('redactParam: the name decides, whatever the value; switches, nulls and ordinary names are kept', () => {
    expect(redactParam('password', 'hunter2')).toBe('[REDACTED:password]');
    expect(redactParam('DB_PASSWORD', '12345')).toBe('[REDACTED:password]');
    expect(redactParam('authToken', 'abc')).toBe('[REDACTED:token]');
    expect(redactParam('api_key', 'x')).toBe('[REDACTED:key]');
    expect(redactParam('use_auth_token', 'true')).toBe('true');
    expect(redactParam('token', '')).toBe('');
    expect(redactParam('token', '[REDACTED:token]')).toBe('[REDACTED:token]');
    expect(redactParam('max_tokens', '512')).toBe('512');
    expect(redactParam('tokenizer', 'bert-base-uncased')).toBe('bert-base-uncased');
    expect(redactParam('note', `uses ${GITHUB}`)).toBe('uses [REDACTED:github-token]');
  });

  it('redactArgv: password flags of the tools that take one, settings, command strings', () => {
    expect(redactArgv(['mysql', '-u', 'root', '-p', 'hunter2', '-phunter3', 'db'])).toEqual(['mysql', '-u', 'root', '-p', '[REDACTED:password]', '-p[REDACTED:password]', 'db']);
    expect(redactArgv(['sshpass', '-p', 'pw', 'ssh', 'h'])).toEqual(['sshpass', '-p', '[REDACTED:password]', 'ssh', 'h']);
    expect(redactArgv(['/usr/bin/redis-cli', '-a', 'pw', 'ping'])).toEqual(['/usr/bin/redis-cli', '-a', '[REDACTED:password]', 'ping']);
    expect(redactArgv(['docker', 'login', '-p', 'pw', 'reg'])).toEqual(['docker', 'login', '-p', '[REDACTED:password]', 'reg']);
    for (const harmless of [['docker', 'run', '-p', '8080:80', 'img'], ['psql', '-p', '5432'], ['python', 'serve.py', '-p', '8080']]) {
      expect(redactArgv(harmless)).toEqual(harmless);
    }
    expect(redactArgv(['env', 'MY_TOKEN=abc', 'DB_AUTH=x', 'OMP_NUM_THREADS=4', 'trainer.db.password=pw', './train.sh'])).toEqual([
      'env', 'MY_TOKEN=[REDACTED:token]', 'DB_AUTH=[REDACTED:auth]', 'OMP_NUM_THREADS=4', 'trainer.db.password=[REDACTED:password]', './train.sh',
    ]);
    const shell = redactArgv(['sh', '-c', `train --password 'p w' && mysql -phunter2 db | tee "log --token x"`]);
    expect(shell).toEqual(['sh', '-c', `train --password [REDACTED:password] && mysql -p[REDACTED:password] db | tee 'log --token [REDACTED:token]'`]);
    expect(redactArgv(shell)).toEqual(shell);
    expect(redactCommandString('bash -c "deploy --api-key k1 --lr 3"')).toBe(`bash -c 'deploy --api-key [REDACTED:key] --lr 3'`);
  });

  it('redactedName: a run id or directory name without secrets', () => {
    expect(redactedName(`nightly ${GITHUB} password=hunter2`)).toBe('nightly-REDACTED-password-REDACTED');
    expect(redactedName('train')).toBe('train');
    expect(redactedName('../..')).toBe('run');
    expect(redactedName('')).toBe('run');
  });
});

describe('the RunGraph is the one redaction layer', () => {
  it('redacts the base, every node-id segment, IRI and literal, also quads pushed directly', () => {
    const graph = new RunGraph(`urn:reprov:run:x-${GITHUB}/`);
    expect(graph.base).not.toContain(GITHUB);
    const node = graph.node('param', `password=hunter2`);
    expect(node.value).not.toContain('hunter2');
    graph.add(node, RDFS_LABEL, `--token abc123 ${HF}`);
    graph.add(node, RDFS_SEE_ALSO, namedNodeOf(`https://x:${GITHUB}@github.com/o/r`));
    graph.quads.push(quadOf(node, RDFS_LABEL, literalOf(`key ${OPENAI}`)));
    const text = graph.quads.map((q) => `${q.subject.value} ${q.predicate.value} ${q.object.value}`).join('\n');
    for (const secret of [GITHUB, HF, OPENAI, 'hunter2', 'abc123']) expect(text).not.toContain(secret);
    expect(text).toContain('%5BREDACTED%3Agithub-token%5D');
    expect(findSecrets(text)).toEqual([]);
    expect(graph.quads.map((q) => redactQuad(q))).toEqual(graph.quads);
  });

  it('redactQuads redacts values by their names; namedSecrets finds them', () => {
    const quads = [
      quadOf(namedNodeOf('urn:p/password'), RDFS_LABEL, literalOf('password')),
      quadOf(namedNodeOf('urn:p/password'), namedNodeOf(`${PROV}value`), literalOf('hunter2')),
      quadOf(namedNodeOf('urn:run'), namedNodeOf('urn:ns#db_password'), literalOf('hunter3')),
      quadOf(namedNodeOf('urn:p/max_tokens'), namedNodeOf(`${PROV}value`), literalOf('512')),
    ];
    expect(namedSecrets(quads).map(({ quad, kind }) => [quad.object.value, kind])).toEqual([['hunter2', 'password'], ['hunter3', 'password']]);
    expect(redactQuads(quads).map((q) => q.object.value)).toEqual(['password', '[REDACTED:password]', '[REDACTED:password]', '512']);
  });
});
