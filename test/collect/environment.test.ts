import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { NamedNode } from 'n3';
import { describe, expect, it } from 'vitest';
import { analyseCommand, collectEnvironment, detectContainer, pythonVersion, shellJoin } from '../../src/collect/environment.js';
import { RunGraph } from '../../src/prov/graph.js';
import { tempDirs } from '../support/collect.js';
import { prov, rdf, reprov, schema } from '../../src/prov/vocabulary.js';

const tempDir = tempDirs('env');

function write(dir: string, file: string, content: string, executable = false): string {
  const full = path.join(dir, file);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, content);
  if (executable) chmodSync(full, 0o755);
  return full;
}

function context(cwd: string, env: NodeJS.ProcessEnv) {
  const graph = new RunGraph('https://example.org/runs/r1/');
  return { graph, run: graph.node('run'), cwd, env };
}

function objects(graph: RunGraph, subject: NamedNode, predicate: NamedNode): string[] {
  return graph.quads.filter((q) => q.subject.equals(subject) && q.predicate.equals(predicate)).map((q) => q.object.value);
}

/** The version `python3 --version` prints here, or undefined when there is no python3. */
function hostPython(): string | undefined {
  try {
    const out = execFileSync('python3', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return /Python (\S+)/.exec(out)?.[1];
  } catch {
    return undefined;
  }
}

/** A bin folder with fake `python` and `uv` that print a version, and a `slowpython` that never answers. */
function fakeBin(): string {
  const bin = tempDir();
  write(bin, 'python', '#!/bin/sh\necho "Python 2.7.18" >&2\n', true);
  write(bin, 'uv', '#!/bin/sh\ncase "$*" in "run "*"python --version") echo "Python 3.12.4";; *) exit 3;; esac\n', true);
  write(bin, 'slowpython', '#!/bin/sh\nsleep 5\n', true);
  write(bin, 'badpython', '#!/bin/sh\necho "boom" >&2\nexit 2\n', true);
  write(bin, 'torchrun', `#!${path.join(bin, 'python')}\nimport sys\n`, true);
  return bin;
}

describe('collectEnvironment', () => {
  it('records the system, the Python version, the command and the allowed variables', async () => {
    const version = hostPython();
    const cwd = tempDir();
    const env = {
      PATH: process.env.PATH ?? '', OMP_NUM_THREADS: '4', CUBLAS_WORKSPACE_CONFIG: ':4096:8', HOME: '/home/someone',
      HF_TOKEN: 'hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ01234567', MY_TOKEN: 'not-for-the-bundle',
    };
    const ctx = context(cwd, env);
    const info = await collectEnvironment(ctx, {
      argv: ['/usr/bin/node', '/opt/reprov/main.js', 'record'],
      command: ['python3', '-u', 'train.py', '--lr', '0.1', '--token', 'abc123'],
    });
    const g = ctx.graph;
    const e = info.node;

    expect(info.workingDirectory).toBe(cwd);
    expect(info.hostname).toBe(os.hostname());
    expect(info.nodeVersion).toBe(process.versions.node);
    expect(info.architecture).toBe(os.machine());
    expect(info.kernel).toContain(os.release());
    expect(info.entryPoint).toBe('train.py');
    expect(info.commandLine).toEqual(['python3', '-u', 'train.py', '--lr', '0.1', '--token', '[REDACTED:token]']);
    expect(info.variables).toEqual({ CUBLAS_WORKSPACE_CONFIG: ':4096:8', OMP_NUM_THREADS: '4' });
    expect(info.redactedNames).toEqual(['HF_TOKEN', 'MY_TOKEN']);
    const pretty = (() => {
      try {
        return /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
      } catch {
        return undefined;
      }
    })();
    expect(info.operatingSystem).toBe(pretty ?? `${os.type()} ${os.release()}`);

    expect(objects(g, e, rdf.type)).toEqual([prov.Entity.value, reprov.Environment.value]);
    expect(objects(g, ctx.run, prov.used)).toEqual(expect.arrayContaining([e.value, info.commandNode.value]));
    expect(objects(g, e, schema.operatingSystem)).toEqual([info.operatingSystem]);
    expect(objects(g, e, reprov.kernel)).toEqual([info.kernel]);
    expect(objects(g, e, reprov.architecture)).toEqual([info.architecture]);
    expect(objects(g, e, reprov.hostname)).toEqual([os.hostname()]);
    expect(objects(g, e, reprov.nodeVersion)).toEqual([process.versions.node]);
    expect(objects(g, e, reprov.workingDirectory)).toEqual([cwd]);
    if (version) {
      expect(info.python).toEqual({ version, interpreter: ['python3'] });
      expect(objects(g, e, reprov.pythonVersion)).toEqual([version]);
    }

    const omp = g.node('environment', 'variable', 'OMP_NUM_THREADS');
    expect(objects(g, e, reprov.variable).sort()).toEqual([g.node('environment', 'variable', 'CUBLAS_WORKSPACE_CONFIG').value, omp.value]);
    expect(objects(g, omp, rdf.type)).toContain(reprov.EnvironmentVariable.value);
    expect(objects(g, omp, reprov.variableName)).toEqual(['OMP_NUM_THREADS']);
    expect(objects(g, omp, prov.value)).toEqual(['4']);
    expect(objects(g, e, reprov.redacted)).toEqual(['HF_TOKEN', 'MY_TOKEN']);

    const c = info.commandNode;
    expect(objects(g, c, rdf.type)).toEqual([prov.Entity.value, prov.Plan.value, reprov.Command.value]);
    expect(objects(g, c, reprov.commandLine)).toEqual(["python3 -u train.py --lr 0.1 --token '[REDACTED:token]'"]);
    expect(objects(g, c, reprov.entryPoint)).toEqual(['train.py']);
    const everything = g.quads.map((q) => q.object.value).join('\n');
    expect(everything).not.toContain('abc123');
    expect(everything).not.toContain('not-for-the-bundle');
    expect(everything).not.toContain('hf_aBcDeF');
    expect(everything).not.toContain('/home/someone');
  });

  it('records TensorFlow\'s variables by name, never Terraform\'s (TF_CLI_CONFIG_FILE, TF_VAR_*) that share the TF_ prefix', async () => {
    const cwd = tempDir();
    const env = {
      PATH: process.env.PATH ?? '', TF_DETERMINISTIC_OPS: '1', TF_CPP_MIN_LOG_LEVEL: '2', TF_XLA_FLAGS: '--tf_xla_auto_jit=2',
      TF_CLI_CONFIG_FILE: '/home/someone/.terraformrc', TF_VAR_region: 'eu-west-1', TF_WORKSPACE: 'prod', TF_LOG: 'DEBUG',
      TF_TOKEN_app_terraform_io: 'abcdefghijklmnop.atlasv1.qrstuvwxyz', TF_DETERMINISTIC_OPS_X: '1',
    };
    const info = await collectEnvironment(context(cwd, env), { argv: ['/usr/bin/node', 'main.js'] });
    expect(info.variables).toEqual({ TF_CPP_MIN_LOG_LEVEL: '2', TF_DETERMINISTIC_OPS: '1', TF_XLA_FLAGS: '--tf_xla_auto_jit=2' });
    // A Terraform token's name is still listed as present and redacted, its value never recorded.
    expect(info.redactedNames).toEqual(['TF_TOKEN_app_terraform_io']);
  });

  it('uses argv when there is no command, and records no Python version for a Node script', async () => {
    const ctx = context(tempDir(), {});
    const info = await collectEnvironment(ctx, { argv: ['/usr/bin/node', '--import', 'tsx', '/work/train.ts', '--epochs', '3'] });
    expect(info.entryPoint).toBe('/work/train.ts');
    expect(info.python).toBeUndefined();
    expect(objects(ctx.graph, info.node, reprov.pythonVersion)).toEqual([]);
    expect(objects(ctx.graph, info.node, reprov.unknownReason)).toEqual([]);
    expect(objects(ctx.graph, info.commandNode, reprov.commandLine)).toEqual(['/usr/bin/node --import tsx /work/train.ts --epochs 3']);
  });

  it('asks the interpreter the command names: a path, a wrapper, a launcher', async () => {
    const bin = fakeBin();
    const env = { PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` };
    const run = async (command: string[]) => (await collectEnvironment(context(tempDir(), env), { argv: [], command })).python;
    expect(await run([path.join(bin, 'python'), 'train.py'])).toEqual({ version: '2.7.18', interpreter: [path.join(bin, 'python')] });
    expect(await run(['uv', 'run', 'python', '-m', 'pkg.train'])).toEqual({ version: '3.12.4', interpreter: ['uv', 'run', 'python'] });
    expect(await run(['uv', 'run', '--with', 'rich', 'train.py'])).toEqual({ version: '3.12.4', interpreter: ['uv', 'run', '--with', 'rich', 'python'] });
    expect(await run(['torchrun', '--nproc_per_node', '2', 'train.py'])).toEqual({ version: '2.7.18', interpreter: [path.join(bin, 'python')] });
    expect(await run(['bash', 'run.sh'])).toBeUndefined();
  });

  it('records why the Python version is unknown', async () => {
    const bin = fakeBin();
    const env = { PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` };
    const ctx = context(tempDir(), env);
    const info = await collectEnvironment(ctx, { argv: [], command: ['python3.99', 'train.py'] });
    expect(info.python).toEqual({ unknown: true, reason: 'python version: `python3.99` was not found' });
    expect(objects(ctx.graph, info.node, reprov.unknownReason)).toEqual(['python version: `python3.99` was not found']);
    expect(objects(ctx.graph, info.node, reprov.pythonVersion)).toEqual([]);

    const slow = await pythonVersion(['slowpython'], env, bin, 300);
    expect(slow).toEqual({ unknown: true, reason: 'python version: `slowpython --version` did not answer within 300 ms' });
    const bad = await pythonVersion(['badpython'], env, bin);
    expect(bad).toEqual({ unknown: true, reason: 'python version: `badpython --version` failed: boom' });
    const silent = await pythonVersion(['uv', 'run', 'ruby'], env, bin);
    expect(silent).toEqual({ unknown: true, reason: 'python version: `uv run ruby --version` failed: exit status 3' });
  });

  it('records the container and its image', async () => {
    const root = tempDir();
    write(root, '.dockerenv', '');
    write(root, 'etc/os-release', 'NAME="Ubuntu"\nPRETTY_NAME="Ubuntu 22.04.4 LTS"\n');
    const digest = `sha256:${'a'.repeat(64)}`;
    const ctx = context(tempDir(), { CONTAINER_IMAGE: `ghcr.io/o/train@${digest}` });
    const info = await collectEnvironment(ctx, { argv: ['node', 'x.js'], systemRoot: root });
    expect(info.container).toEqual({ runtime: 'docker', image: `ghcr.io/o/train@${digest}`, imageDigest: digest });
    expect(info.operatingSystem).toBe('Ubuntu 22.04.4 LTS');
    expect(objects(ctx.graph, info.node, reprov.containerRuntime)).toEqual(['docker']);
    expect(objects(ctx.graph, info.node, reprov.containerImage)).toEqual([`ghcr.io/o/train@${digest}`]);
    expect(objects(ctx.graph, info.node, reprov.containerImageDigest)).toEqual([digest]);
  });
});

describe('detectContainer', () => {
  it('reads podman, cgroup and apptainer markers, and finds nothing on a bare host', async () => {
    const podman = tempDir();
    write(podman, 'run/.containerenv', `engine="podman-4.9"\nname="trainer"\nimage="docker.io/library/python:3.11"\nimageid="${'b'.repeat(64)}"\n`);
    expect(await detectContainer({}, podman)).toEqual({ runtime: 'podman', image: 'docker.io/library/python:3.11', imageDigest: `sha256:${'b'.repeat(64)}` });

    const k8s = tempDir();
    write(k8s, 'proc/1/cgroup', '12:memory:/kubepods/burstable/pod1234/abcdef\n');
    expect(await detectContainer({}, k8s)).toEqual({ runtime: 'kubernetes' });
    const docker = tempDir();
    write(docker, 'proc/1/cgroup', '12:memory:/docker/abcdef\n');
    expect(await detectContainer({ IMAGE_DIGEST: 'sha256:1' }, docker)).toEqual({ runtime: 'docker', imageDigest: 'sha256:1' });

    expect(await detectContainer({ APPTAINER_CONTAINER: '/images/train.sif' }, tempDir())).toEqual({ runtime: 'apptainer', image: '/images/train.sif' });
    expect(await detectContainer({}, tempDir())).toBeUndefined();
  });
});

describe('analyseCommand', () => {
  const cases: [string[], { interpreter?: string[]; entryPoint?: string }][] = [
    [['python', 'train.py', '--lr', '1'], { interpreter: ['python'], entryPoint: 'train.py' }],
    [['/usr/bin/python3', '-u', '-W', 'ignore', '-X', 'dev', 'src/train.py'], { interpreter: ['/usr/bin/python3'], entryPoint: 'src/train.py' }],
    [['python3.11', '-m', 'pkg.train', '--epochs', '3'], { interpreter: ['python3.11'], entryPoint: '-m pkg.train' }],
    [['python', '-c', 'print(1)'], { interpreter: ['python'], entryPoint: '-c' }],
    [['python', '-m', 'torch.distributed.run', '--nproc_per_node=2', 'train.py'], { interpreter: ['python'], entryPoint: 'train.py' }],
    [['env', '-u', 'X', 'OMP_NUM_THREADS=4', 'python', 'train.py'], { interpreter: ['python'], entryPoint: 'train.py' }],
    [['time', 'nice', '-n', '5', 'python3', 'a.py'], { interpreter: ['python3'], entryPoint: 'a.py' }],
    [['conda', 'run', '-n', 'ml', 'python', 'train.py'], { interpreter: ['conda', 'run', '-n', 'ml', 'python'], entryPoint: 'train.py' }],
    [['poetry', 'run', 'python', 'train.py'], { interpreter: ['poetry', 'run', 'python'], entryPoint: 'train.py' }],
    [['srun', '-n', '4', 'python', 'train.py'], { interpreter: ['python'], entryPoint: 'train.py' }],
    [['node', '--import', 'tsx', 'main.ts'], { entryPoint: 'main.ts' }],
    [['node', '-e', 'console.log(1)'], { entryPoint: '-e' }],
    [['./run.sh', '--fast'], { entryPoint: './run.sh' }],
    [['make', 'train'], { entryPoint: 'make' }],
    [[], {}],
  ];
  for (const [cmd, expected] of cases) {
    it(cmd.join(' ') || '(empty)', () => {
      const result = analyseCommand(cmd, { PATH: '/nonexistent' }, '/nonexistent');
      expect({ interpreter: result.interpreter, entryPoint: result.entryPoint }).toEqual({ interpreter: undefined, entryPoint: undefined, ...expected });
    });
  }

  it('follows a script\'s #! line to its Python', () => {
    const dir = tempDir();
    write(dir, 'train.py', '#!/usr/bin/env python3\nprint(1)\n', true);
    write(dir, 'tool', '#!/opt/venv/bin/python3.11 -u\n', true);
    write(dir, 'run.sh', '#!/bin/bash\n', true);
    expect(analyseCommand(['./train.py'], {}, dir)).toMatchObject({ interpreter: ['python3'], entryPoint: './train.py' });
    expect(analyseCommand(['tool', 'x'], { PATH: dir }, '/')).toMatchObject({ interpreter: ['/opt/venv/bin/python3.11'], entryPoint: 'tool' });
    expect(analyseCommand(['./run.sh'], {}, dir).interpreter).toBeUndefined();
  });

  it('quotes a command line so a shell splits it back', () => {
    expect(shellJoin(['python', 'train.py', '--name', "it's here", '', '[REDACTED:x]'])).toBe(`python train.py --name 'it'\\''s here' '' '[REDACTED:x]'`);
  });
});
