/**
 * Data and artifact collector: hashes a file or a directory a run reads or writes and records it
 * as a PROV entity with its location, size and SPDX SHA-256 checksum.
 *
 *     <base>data/input/train.csv  a prov:Entity, reprov:File, dcat:Dataset ;
 *         rdfs:label "data/train.csv" ; prov:atLocation "data/train.csv" ;
 *         dcat:byteSize 1024 ; reprov:role "input" ; spdx:checksum <.../checksum/sha256> .
 *     <base>run prov:used <base>data/input/train.csv .
 *
 * Directories are typed `reprov:Directory`, carry `reprov:fileCount` and
 * `reprov:digestMethod "reprov-dir-sha256/1"` (the scheme is documented in ./hash.ts).
 * Outputs are linked the other way: `<node> prov:wasGeneratedBy <run>`.
 * A path that cannot be read throws {@link DataPathError}, one line naming the path, so the CLI
 * can exit with status 2 before it starts the wrapped command.
 */
import type { NamedNode } from 'n3';
import { stat } from 'node:fs/promises';
import { basename, isAbsolute, relative, resolve, sep } from 'node:path';
import { dcat, mls, prov, rdf, reprov } from '../prov/vocabulary.js';
import { UserError } from '../base/user-error.js';
import type { CollectContext } from './context.js';
import { DIRECTORY_DIGEST_METHOD, HashError, hashDirectory, hashFile, type HashCache, type HashOptions } from '../base/hash.js';

/** Not (yet) in src/run/vocabulary.ts: the method a directory digest was computed with. */

export type DataRole = 'input' | 'output';
export type DataKind = 'dataset' | 'model' | 'artifact';

export interface CollectDataOptions {
  /** The file or directory (relative paths are taken from `ctx.cwd`). */
  path: string;
  role: DataRole;
  /** `dataset` adds `dcat:Dataset`, `model` adds `mls:Model`, `artifact` adds `reprov:Artifact`. */
  kind?: DataKind;
  /** The last segment of the node's id (default: the path's base name, made unique with `-2`, `-3`...). */
  name?: string;
  cache?: HashCache;
  /** Passed to the hashing (progress bar, progress callback). */
  progress?: HashOptions['progress'];
  onProgress?: HashOptions['onProgress'];
}

export interface CollectedData {
  node: NamedNode;
  /** What `prov:atLocation` says: relative to `ctx.cwd` when inside it, else absolute. */
  location: string;
  sha256: string;
  bytes: number;
  /** Set for directories. */
  fileCount?: number;
  directory: boolean;
}

/** A data path that does not exist or cannot be read. The message is one line naming the path. */
export class DataPathError extends UserError {
  constructor(readonly path: string, readonly problem: string, readonly code?: string) {
    super(`cannot read data path ${path}: ${problem}`);
    this.name = 'DataPathError';
  }
}

/** Hashes `options.path` and records it in `ctx.graph` as an input or output of `ctx.run`. */
export async function collectData(ctx: CollectContext, options: CollectDataOptions): Promise<CollectedData> {
  const absolute = resolve(ctx.cwd, options.path);
  const location = locationOf(ctx.cwd, absolute);
  let stats;
  try {
    stats = await stat(absolute);
  } catch (error) {
    throw dataPathError(options.path, error);
  }
  const directory = stats.isDirectory();
  if (!directory && !stats.isFile()) throw new DataPathError(options.path, 'neither a regular file nor a directory');

  const hashOptions: HashOptions = { label: location };
  if (options.cache) hashOptions.cache = options.cache;
  if (options.progress !== undefined) hashOptions.progress = options.progress;
  if (options.onProgress) hashOptions.onProgress = options.onProgress;
  let sha256: string;
  let bytes: number;
  let fileCount: number | undefined;
  try {
    if (directory) ({ sha256, bytes, fileCount } = await hashDirectory(absolute, hashOptions));
    else ({ sha256, bytes } = await hashFile(absolute, hashOptions));
  } catch (error) {
    throw dataPathError(options.path, error, absolute);
  }

  const { graph } = ctx;
  const node = uniqueNode(ctx, options.role, options.name ?? (basename(absolute) || 'root'));
  const types = [prov.Entity, directory ? reprov.Directory : reprov.File];
  if (options.kind === 'dataset') types.push(dcat.Dataset);
  else if (options.kind === 'model') types.push(mls.Model);
  else if (options.kind === 'artifact') types.push(reprov.Artifact);
  graph.describe(node, types, location);
  graph.add(node, prov.atLocation, location);
  graph.add(node, dcat.byteSize, bytes);
  if (directory) {
    graph.add(node, reprov.fileCount, fileCount);
    graph.add(node, reprov.digestMethod, DIRECTORY_DIGEST_METHOD);
  }
  graph.add(node, reprov.role, options.role);
  graph.checksum(node, 'sha256', sha256);
  if (options.role === 'input') graph.add(ctx.run, prov.used, node);
  else graph.add(node, prov.wasGeneratedBy, ctx.run);

  const result: CollectedData = { node, location, sha256, bytes, directory };
  if (fileCount !== undefined) result.fileCount = fileCount;
  return result;
}

/** `absolute` relative to `cwd` (POSIX separators) when it lies inside it, else `absolute`. */
export function locationOf(cwd: string, absolute: string): string {
  const rel = relative(resolve(cwd), absolute);
  if (rel === '') return '.';
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return absolute;
  return rel.split(sep).join('/');
}

function uniqueNode(ctx: CollectContext, role: DataRole, name: string): NamedNode {
  const taken = (node: NamedNode) => ctx.graph.quads.some((q) => q.subject.equals(node) && q.predicate.equals(rdf.type));
  let node = ctx.graph.node('data', role, name);
  for (let n = 2; taken(node); n++) node = ctx.graph.node('data', role, `${name}-${n}`);
  return node;
}

function dataPathError(given: string, error: unknown, absolute?: string): DataPathError {
  if (error instanceof HashError) {
    // Name the file inside a directory that failed, as the user would write it.
    const inner = absolute && error.path.startsWith(`${absolute}/`) ? `${given.replace(/\/+$/, '')}/${error.path.slice(absolute.length + 1)}` : undefined;
    const where = inner && inner !== given ? ` (${inner})` : '';
    return new DataPathError(given, `${error.problem}${where}`, error.code);
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const problem = code === 'ENOENT' ? 'no such file or directory'
    : code === 'EACCES' ? 'permission denied'
      : code === 'ENOTDIR' ? 'a path component is not a directory'
        : error instanceof Error ? error.message.split('\n')[0] ?? String(error) : String(error);
  return new DataPathError(given, problem, code);
}
