/**
 * Secrets never reach a bundle, a file name, a report or an error (issue 10). One distinct fake
 * secret, shaped like each real kind (GitHub, Hugging Face, OpenAI, NVIDIA, AWS, GitLab, Slack
 * tokens, JWTs, Bearer tokens without a digit, Basic credentials, URL user parts and passwords,
 * query signatures, password/token assignments), is planted in every place `reprov record` and
 * the importers read: each variable of the environment collector's allow-list, the wrapped
 * command's arguments in every form, `-p` parameters and `--params` files (JSON and YAML, quoted
 * and unquoted), the experiment's name, the git remote, the stored diff, pip's stderr, input file
 * names, an MLflow store (params, tags, source name, experiment name, a metric name) and a
 * yProv4ML document. Then every byte of every file the commands wrote, every file name, and
 * their stdout and stderr are searched for each secret: none may be there. The real built CLI
 * runs as a subprocess (test/adversarial/harness.ts).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ENV_ALLOW } from '../../src/base/redact.js';
import { CLI } from '../support/cli.js';
import { attack, sandbox, type Attack, type Sandbox } from './harness.js';

// ---- the planted secrets ------------------------------------------------------------------
// Each secret holds a unique marker (`SECRETxx<n>`, or letters only where the real kind has no
// digit); the search looks for the whole secret and for its marker alone, so no part of it may
// survive. Built at run time so that no scanner takes this file for a leak.
const planted: { secret: string; marker: string; where: string }[] = [];
const letters = (n: number) => [...String(n)].map((d) => 'abcdefghij'[Number(d)]).join('');
const pad = (text: string, length: number, fill = 'aB3') => (text + fill.repeat(length)).slice(0, Math.max(length, text.length));

type Form = (marker: string) => string;
/** Real forms, each around a marker. */
const FORMS: Record<string, Form> = {
  github: (m) => pad(`gh${'p'}_${m}`, 40),
  huggingface: (m) => pad(`h${'f'}_${m}`, 37),
  openai: (m) => pad(`s${'k'}-proj-${m}`, 40),
  nvidia: (m) => pad(`nv${'api'}-${m}`, 50),
  gitlab: (m) => pad(`gl${'pat'}-${m}`, 30),
  slack: (m) => `xo${'xb'}-1234567890-${m}-AbCdEfGhIjKl`,
  jwt: (m) => `ey${'J'}hbGciOiJIUzI1NiJ9.ey${'J'}${m}In0.dozjgNryP4J3jVmNHl0w5N`,
  urlUser: (m) => `https://${m}tok@git.example.org/lab/model.git`,
  urlPassword: (m) => `https://ci-bot:${m}@git.example.org/lab/model.git`,
  querySig: (m) => `https://store.example.org/blob/x.bin?sv=2022-11-02&sig=${m}&se=2030`,
  amzSig: (m) => `https://s3.example.org/b/k?X-Amz-Date=20240101&X-Amz-Signature=${m}`,
  queryToken: (m) => `https://api.example.org/v1/data?page=2&token=${m}`,
  basic: (m) => `Authorization: Basic ${m}dXNlcjpwYXNz`,
  assignment: (m) => `password=${m}`,
};
const FORM_NAMES = Object.keys(FORMS);

/** A new secret of the given form (or the next form in turn), remembered with where it was planted. */
function plant(where: string, form?: string): string {
  const n = planted.length;
  const name = form ?? FORM_NAMES[n % FORM_NAMES.length]!;
  const marker = `SECRETxx${String(n).padStart(3, '0')}`;
  const secret = FORMS[name]!(marker);
  planted.push({ secret, marker, where: `${where} (${name})` });
  return secret;
}
/** An AWS access key id (16 upper-case characters after AKIA: the marker is upper-case). */
function plantAws(where: string): string {
  const marker = `SECRETXX${String(planted.length).padStart(3, '0')}`;
  const secret = pad(`AK${'IA'}${marker}`, 20, 'Q7Z');
  planted.push({ secret, marker, where: `${where} (aws-access-key-id)` });
  return secret;
}
/** A Bearer token with no digit at all (letters-only marker). */
function plantBearer(where: string): { header: string; token: string } {
  const marker = `SECRETxx${letters(planted.length)}`;
  const token = `${marker}QwErTyUiOpAsDfGh`;
  planted.push({ secret: token, marker, where: `${where} (bearer without digits)` });
  return { header: `Authorization: Bearer ${token}`, token };
}
/** A bare value (no known form): only its name can tell it is a secret. */
function plantBare(where: string): string {
  const marker = `SECRETxx${String(planted.length).padStart(3, '0')}`;
  planted.push({ secret: marker, marker, where: `${where} (by name)` });
  return marker;
}

// ---- what the commands wrote ---------------------------------------------------------------
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const written: { path: string; content: Buffer }[] = [];
const outputs: { what: string; text: string }[] = [];

/** Runs the CLI, keeps its stdout, stderr and every file it created or changed (but git's own bookkeeping). */
function run(box: Sandbox, what: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Attack {
  const result = attack(box, args, { ...options, timeoutMs: 60_000 });
  outputs.push({ what: `${what}: stdout`, text: result.stdout }, { what: `${what}: stderr`, text: result.stderr });
  for (const path of result.touched) {
    if (path.split(sep).includes('.git')) continue;
    const absolute = box.path(path);
    let content = Buffer.alloc(0);
    try {
      content = readFileSync(absolute);
    } catch {
      // a directory, or deleted
    }
    written.push({ path, content });
  }
  return result;
}

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

describe('no secret reaches a bundle, a file name, a report or an error', () => {
  let box: Sandbox;
  const results: Record<string, Attack> = {};
  const ordinary = { lr: '0.001', max_tokens: '512', tokenizer_name: 'bert-base-uncased', author: 'alice', pad_token: '<pad>', num_tokens: '7', tokenizer: 'gpt2' };

  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build`);
    box = sandbox('reprov-secrets-');
    const repo = box.path('repo');
    mkdirSync(repo);
    mkdirSync(box.path('home'));

    // A real git repository: a remote with a token, a dirty tree whose diff adds secret lines.
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'config', 'user.name', 'Test');
    git(repo, 'config', 'user.email', 'test@example.org');
    git(repo, 'config', 'commit.gpgsign', 'false');
    writeFileSync(join(repo, 'train.sh'), '#!/bin/sh\necho trained\n');
    chmodSync(join(repo, 'train.sh'), 0o755);
    writeFileSync(join(repo, 'requirements.txt'), 'numpy==1.26.4\n');
    writeFileSync(join(repo, 'config.yaml'), 'lr: 0.1\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'init');
    git(repo, 'remote', 'add', 'origin', plant('git remote', 'urlPassword'));
    git(repo, 'remote', 'add', 'mirror', plant('git remote (user part)', 'urlUser'));
    const diffUrl = plant('stored diff: requirements line', 'urlPassword').replace('https://', 'git+https://');
    writeFileSync(join(repo, 'requirements.txt'), `numpy==1.26.4\n${diffUrl}\n--extra-index-url ${plant('stored diff: index url', 'urlUser')}\n`);
    writeFileSync(join(repo, 'config.yaml'), `lr: 0.1\nsecret_key: ${plantBare('stored diff: unquoted YAML secret_key')}\nhf_token: ${plant('stored diff: YAML', 'huggingface')}\n`);

    // A "python" for pip freeze that fails the way pip does, printing a URL with a token.
    writeFileSync(join(repo, 'fake-python'), `#!/bin/sh\necho "ERROR: Could not fetch URL ${plant('pip stderr', 'urlUser').replace('/lab/model.git', '/simple/')}: token=${plantBare('pip stderr')}" >&2\nexit 1\n`);
    chmodSync(join(repo, 'fake-python'), 0o755);

    // Parameter files: JSON (nested, quoted) and YAML (quoted and unquoted), secret by value and by name.
    writeFileSync(join(repo, 'params.json'), JSON.stringify({
      db: { password: plantBare('--params JSON db.password') }, api_key: plantBare('--params JSON api_key'),
      note: plant('--params JSON value', 'openai'), header: plantBearer('--params JSON value').header,
      hub: plant('--params JSON value', 'github'), ...ordinary,
    }));
    writeFileSync(join(repo, 'params.yaml'), [
      `db_password: ${plantBare('--params YAML unquoted db_password')}`,
      `secret_key: "${plantBare('--params YAML quoted secret_key')}"`,
      `access_key: '${plantBare('--params YAML single-quoted access_key')}'`,
      `credential: ${plantBare('--params YAML credential')}`,
      `nv: ${plant('--params YAML value', 'nvidia')}`,
      `mirror: ${plant('--params YAML value', 'querySig')}`,
      'batch_size: 64',
    ].join('\n'));
    mkdirSync(join(repo, 'data'));
    const inputName = `${plant('input file name', 'huggingface')}.csv`;
    writeFileSync(join(repo, 'data', inputName), 'x\n1\n');

    // Every variable of the environment collector's allow-list holds a secret of some kind.
    const env: NodeJS.ProcessEnv = { HOME: box.path('home'), PATH: process.env.PATH, NO_COLOR: '1' };
    for (const entry of DEFAULT_ENV_ALLOW) {
      const name = entry.replace('*', 'PLANTED');
      // NODE_OPTIONS is read by the node running reprov itself: only options node accepts there. The
      // locale variables hold a bare token: node 20 crashes (SIGSEGV in ICU) on LANG='x <url> y'.
      if (name === 'NODE_OPTIONS') env[name] = `--title=${plant(`env ${name}`, 'github')}`;
      else if (/^(LANG|LANGUAGE|LC_.*)$/.test(name)) env[name] = plant(`env ${name}`, ['github', 'huggingface', 'nvidia'][planted.length % 3]);
      else env[name] = `x ${plant(`env ${name}`)} y`;
    }
    for (const name of ['SLURM_JOB_ID', 'SLURM_JOB_NODELIST', 'CONTAINER_IMAGE', 'HF_ENDPOINT', 'PIP_INDEX_URL', 'MLFLOW_TRACKING_URI']) env[name] = plant(`env ${name}`, 'urlUser');
    env.HF_HUB_HEADERS = `{"${plantBearer('env HF_HUB_HEADERS').header.replace(': ', '": "')}"}`;
    env.TRANSFORMERS_PLANTED_AWS = plantAws('env TRANSFORMERS_PLANTED_AWS');
    env.TORCH_PLANTED_BEARER = plantBearer('env TORCH_PLANTED_BEARER').header;
    env.HF_TOKEN = plant('env HF_TOKEN (secret name)', 'huggingface');
    env.NVIDIA_API_KEY = plant('env NVIDIA_API_KEY (secret name)', 'nvidia');
    env.SLURM_DB_PASSWORD = plantBare('env SLURM_DB_PASSWORD (secret name)');

    // 1. The main record: the command line in every form, parameters, files, git, pip.
    const mysqlSeparate = plantBare('argv: mysql -p X');
    const mysqlAttached = plantBare('argv: mysql -pX');
    const sshpass = plantBare('argv: sshpass -p X');
    const redis = plantBare('argv: redis-cli -a X');
    const bearer = plantBearer('argv: -H Authorization Bearer');
    const command = [
      'env', `MY_TOKEN=${plantBare('argv: env MY_TOKEN=X')}`, `DB_AUTH=${plantBare('argv: env DB_AUTH=X')}`, 'OMP_NUM_THREADS=4',
      './train.sh', '--token', plantBare('argv: --token X'), `--password=${plantBare('argv: --password=X')}`,
      '--hf-token', plant('argv: --hf-token X', 'huggingface'), `--apiKey=${plantBare('argv: --apiKey=X')}`,
      '--db', `postgres://u:${plantBare('argv: postgres URL password')}@db.example.org/x`, '--repo', plant('argv: URL user part', 'urlUser'),
      '--blob', plant('argv: ?sig=', 'querySig'), '--s3', plant('argv: X-Amz-Signature', 'amzSig'), '--api', plant('argv: ?token=', 'queryToken'),
      '-H', bearer.header, '-H', plant('argv: Basic header', 'basic'), `trainer.db.password=${plantBare('argv: override db.password=X')}`,
      'mysql', '-u', 'root', '-p', mysqlSeparate, `-p${mysqlAttached}`, 'sshpass', '-p', sshpass, 'redis-cli', '-a', redis,
      'sh', '-c', `deploy --password ${plantBare("argv: sh -c '... --password X'")} && mysql -p${plantBare("argv: sh -c 'mysql -pX'")} db`,
      '--lr', '0.001', '--max-tokens', '512', '--tokenizer', 'bert-base-uncased',
    ];
    const params = [
      '-p', `password=${plantBare('-p password=X')}`, '-p', `DB_PASSWORD=${plantBare('-p DB_PASSWORD=X')}`,
      '-p', `hf-token=${plantBare('-p hf-token=X')}`, '-p', `authToken=${plantBare('-p authToken=X')}`,
      '-p', `passwd=${plantBare('-p passwd=X')}`, '-p', `private_key=${plantBare('-p private_key=X')}`, '-p', `apikey=${plantBare('-p apikey=X')}`,
      '-p', `auth=${plantBare('-p auth=X')}`, '-p', `client_secret=${plantBare('-p client_secret=X')}`,
      '-p', `endpoint=${plant('-p value', 'urlUser')}`, '-p', `jwt=${plant('-p value', 'jwt')}`, '-p', `chan=${plant('-p value', 'slack')}`,
      '-p', `gl=${plant('-p value', 'gitlab')}`, '-p', `aws=${plantAws('-p value')}`,
      ...Object.entries(ordinary).flatMap(([k, v]) => ['-p', `${k}=${v}`]),
    ];
    results.record = run(box, 'record', [
      'record', '--no-hardware', '--system-interval', '100000', '--include-diff', '--python', './fake-python',
      '--params', 'params.json', '--params', 'params.yaml', ...params, '--input', `data/${inputName}`, '--', ...command,
    ], { cwd: repo, env });

    // 2. An experiment name with secrets in it, and a command line that is a shell command string.
    results.named = run(box, 'record -e', [
      'record', '--no-hardware', '--no-system', '--no-git', '-e', `nightly ${plant('experiment name', 'github')} password=${plantBare('experiment name')}`,
      '--', 'sh', '-c', `: ok --token ${plantBare("sh -c '--token X'")} '${plant('sh -c quoted URL', 'urlPassword')}'`,
    ], { cwd: repo, env: { HOME: box.path('home'), PATH: process.env.PATH } });

    // 3. No experiment name: it comes from the script, never from `env VAR=secret` or a flag's value.
    results.derived = run(box, 'record (derived name)', [
      'record', '--no-hardware', '--no-system', '--no-git', '--', 'env', `MY_TOKEN=${plantBare('derived name: env MY_TOKEN=X')}`,
      './train.sh', '--token', plantBare('derived name: --token X'),
    ], { cwd: repo, env: { HOME: box.path('home'), PATH: process.env.PATH } });

    // 4. An MLflow store: params (by name and by value), tags, source name, experiment name, a metric name.
    const project = box.path('mlflow-project');
    cpSync(join(REPO, 'fixtures/mlflow/project'), project, { recursive: true });
    const experimentDir = join(project, 'mlruns', '274538148952064816');
    const runDir = join(experimentDir, 'a1b2c3d4e5f60718293a4b5c6d7e8f90');
    const experimentMeta = join(experimentDir, 'meta.yaml');
    writeFileSync(experimentMeta, readFileSync(experimentMeta, 'utf8').replace('name: mnist', `name: mnist ${plant('MLflow experiment name', 'github')}`));
    const mlParams: Record<string, string> = {
      password: plantBare('MLflow param password'), DB_PASSWORD: plantBare('MLflow param DB_PASSWORD'), api_key: plantBare('MLflow param api_key'),
      'hf-token': plantBare('MLflow param hf-token'), webhook: plant('MLflow param value', 'urlUser'), nv: plant('MLflow param value', 'nvidia'),
      max_tokens: '512', tokenizer_name: 'bert-base-uncased', author: 'alice',
    };
    for (const [key, value] of Object.entries(mlParams)) writeFileSync(join(runDir, 'params', key), value);
    const tags = join(runDir, 'tags');
    writeFileSync(join(tags, 'mlflow.source.name'), `train.py --token ${plantBare('MLflow source name --token X')} --hf ${plant('MLflow source name', 'huggingface')}`);
    writeFileSync(join(tags, 'mlflow.source.git.repoURL'), plant('MLflow repo URL', 'urlUser'));
    writeFileSync(join(tags, 'mlflow.user'), `ana ${plant('MLflow user', 'openai')}`);
    writeFileSync(join(tags, 'deploy_note'), plant('MLflow custom tag value', 'github'));
    writeFileSync(join(runDir, 'metrics', plant('MLflow metric name', 'huggingface')), '1714564801000 0.5 0\n');
    results.mlflow = run(box, 'import mlflow', ['import', 'mlflow', join(project, 'mlruns'), '-o', box.path('out-mlflow')], { env: { HOME: box.path('home') } });

    // 5. A yProv4ML document (generation 3): parameters by name and by value, the command, the code URL.
    const doc = JSON.parse(readFileSync(join(REPO, 'fixtures/yprov4ml/gen3-mnist-cnn.json'), 'utf8')) as { entity: Record<string, Record<string, unknown>>; used: Record<string, Record<string, unknown>> };
    const param = (name: string, value: string) => {
      doc.entity[name] = { 'prov:type': 'provml:HyperParameter', 'prov:label': name, 'prov:value': value };
      const use = Object.values(doc.used).find((u) => u['prov:entity'] === 'lr');
      if (use) doc.used[`_:secret_${name}`] = { ...use, 'prov:entity': name };
    };
    param('password', plantBare('yProv4ML param password'));
    param('hf_token', plantBare('yProv4ML param hf_token'));
    param('wandb_api_key', plantBare('yProv4ML param wandb_api_key'));
    param('bucket', plant('yProv4ML param value', 'querySig'));
    param('max_tokens', '512');
    param('tokenizer_name', 'bert-base-uncased');
    doc.entity.execution_command!['prov:value'] = `python train_cnn.py --token ${plantBare('yProv4ML execution_command')} --key ${plant('yProv4ML execution_command', 'openai')}`;
    param('source_code', `${plant('yProv4ML source_code', 'urlUser').replace('.git', '')}/3f2c9a1b`);
    writeFileSync(box.path('yprov.json'), JSON.stringify(doc));
    results.yprov4ml = run(box, 'import yprov4ml', ['import', 'yprov4ml', box.path('yprov.json'), '-o', box.path('out-yprov')], { env: { HOME: box.path('home') } });
  }, 180_000);

  afterAll(() => box?.remove());

  it('every command succeeds and writes its bundle', () => {
    for (const [what, result] of Object.entries(results)) expect(result.status, `${what}: ${result.signal} ${result.stderr}`).toBe(0);
    const bundles = written.filter((w) => w.path.endsWith('prov.json')).map((w) => w.path);
    expect(bundles.filter((p) => p.startsWith(`repo${sep}prov${sep}`))).toHaveLength(3);
    expect(bundles.some((p) => p.startsWith('out-mlflow'))).toBe(true);
    expect(bundles.some((p) => p.startsWith('out-yprov'))).toBe(true);
    expect(written.some((w) => w.path.endsWith('code.diff')), 'the diff is stored').toBe(true);
    expect(planted.length).toBeGreaterThan(120);
  });

  it('no secret in any byte of any written file, nor in any file name, stdout or stderr', () => {
    const leaks: string[] = [];
    for (const { secret, marker, where } of planted) {
      for (const { path, content } of written) {
        if (path.includes(marker) || path.includes(secret)) leaks.push(`${where}: in the file name ${path}`);
        const text = content.toString('latin1');
        if (text.includes(marker) || text.includes(secret)) leaks.push(`${where}: in ${path}`);
      }
      for (const { what, text } of outputs) if (text.includes(marker) || text.includes(secret)) leaks.push(`${where}: on ${what}`);
    }
    expect(leaks).toEqual([]);
  });

  it('derives the bundle directory from the script name, not from env VAR=value or a flag', () => {
    const dirs = readdirSync(box.path('repo', 'prov'));
    expect(dirs.filter((d) => d.startsWith('train-'))).toHaveLength(2);
    expect(dirs.filter((d) => d.startsWith('nightly-REDACTED-password-REDACTED-'))).toHaveLength(1);
  });

  it('keeps ordinary parameters verbatim and redacts secret-named ones whatever their value', () => {
    const bundles = written.filter((w) => w.path.startsWith(`repo${sep}prov${sep}train-`) && w.path.endsWith('prov.json')).map((w) => JSON.parse(w.content.toString('utf8')) as { entity: Record<string, Record<string, unknown>> });
    const main = bundles.find((b) => Object.keys(b.entity).some((id) => id.endsWith('param/lr')))!;
    const value = (name: string) => {
      const v = Object.values(main.entity).find((e) => e['prov:label'] === name)?.['prov:value'];
      return typeof v === 'object' && v !== null ? (v as { $: unknown }).$ : v;
    };
    expect(value('lr')).toBe('0.001');
    expect(value('max_tokens')).toBe('512');
    expect(value('num_tokens')).toBe('7');
    expect(value('tokenizer_name')).toBe('bert-base-uncased');
    expect(value('tokenizer')).toBe('gpt2');
    expect(value('author')).toBe('alice');
    expect(value('pad_token')).toBe('<pad>');
    expect(value('batch_size')).toBe('64');
    for (const [name, kind] of [['password', 'password'], ['DB_PASSWORD', 'password'], ['hf-token', 'token'], ['authToken', 'token'], ['passwd', 'password'],
      ['private_key', 'key'], ['apikey', 'key'], ['auth', 'auth'], ['client_secret', 'secret'], ['db.password', 'password'], ['api_key', 'key'],
      ['db_password', 'password'], ['secret_key', 'key'], ['access_key', 'key'], ['credential', 'credential']] as const) {
      expect(value(name), name).toBe(`[REDACTED:${kind}]`);
    }
    const mlflow = written.find((w) => w.path.startsWith('out-mlflow') && w.path.includes('a1b2c3d4') && w.path.endsWith('prov.ttl'))!.content.toString('utf8');
    expect(mlflow).toContain('"bert-base-uncased"');
    expect(mlflow).toContain('"alice"');
    expect(mlflow).toContain('[REDACTED:password]');
    const yprov = written.find((w) => w.path.startsWith('out-yprov') && w.path.endsWith('prov.ttl'))!.content.toString('utf8');
    expect(yprov).toContain('"bert-base-uncased"');
    expect(yprov).toContain('[REDACTED:password]');
  });

  it('check flags none of what record wrote', () => {
    const bundle = written.find((w) => w.path.startsWith(`repo${sep}prov${sep}train-`) && w.path.endsWith('prov.json') && w.content.includes('param/lr'))!;
    const result = attack(box, ['check', '--format', 'json', box.path(bundle.path)]);
    const report = JSON.parse(result.stdout) as { findings?: { rule: string }[]; bundles?: { findings: { rule: string }[] }[] };
    const findings = report.findings ?? report.bundles?.flatMap((b) => b.findings) ?? [];
    expect(findings.filter((f) => f.rule === 'RPV-X001')).toEqual([]);
  });
});
