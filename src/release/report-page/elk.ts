/**
 * elkjs, loaded with require: elk.bundled.js is a 1.6 MB CommonJS file, and importing it as a
 * module makes Node scan it for ESM syntax and for named exports first (about 0.2 s of CPU,
 * more than compiling it).
 */
import type { ELK } from 'elkjs/lib/elk-api.js';
import { requireOnUse } from '../../base/require-on-use.js';

export function newElk(): ELK {
  const Elk = requireOnUse('elkjs/lib/elk.bundled.js') as new () => ELK;
  return new Elk();
}
