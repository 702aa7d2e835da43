/** What every collector receives: the graph it adds to and the run it describes. */
import type { NamedNode } from 'n3';
import type { RunGraph } from '../prov/graph.js';

export interface CollectContext {
  /** The run's graph; collectors add quads with its helpers (node, add, describe, checksum). */
  graph: RunGraph;
  /** The run activity (`<base>run`). */
  run: NamedNode;
  /** The directory the run works in (git, dependency files and relative paths are looked up from here). */
  cwd: string;
  /** The environment the run sees. Collectors must pass anything they record through src/collect/redact.ts. */
  env: NodeJS.ProcessEnv;
}

/**
 * A fact that could not be collected: recorded as `reprov:unknownReason` on the node it
 * concerns, so a check can tell "absent" from "not looked at".
 */
export interface Unknown {
  unknown: true;
  reason: string;
}
