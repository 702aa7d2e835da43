#!/usr/bin/env node
/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by function and by module.
 *
 *   node bench/cpuprofile-top.mjs FILE.cpuprofile [TOP]
 *
 * Self time of a function is the samples taken while it was on top of the stack
 * (nodes[].hitCount), scaled by the profile's mean sampling interval.
 */
import { readFileSync } from 'node:fs';

const [file, topArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node bench/cpuprofile-top.mjs FILE.cpuprofile [TOP]\n');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const totalSamples = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
const msPerSample = (profile.endTime - profile.startTime) / 1000 / Math.max(1, totalSamples);

/** `n3/src/N3Writer.js`, `reprov dist/src/io/rdf-text.js`, `node:internal/...` or ''. */
function shortUrl(url) {
  if (!url) return '';
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('node_modules/');
  if (nm !== -1) return path.slice(nm + 'node_modules/'.length);
  const dist = path.indexOf('/dist/');
  if (dist !== -1) return `reprov ${path.slice(dist + 1)}`;
  return path.replace(/^.*\/bench\//, 'bench/');
}
function moduleOf(url, name) {
  if (!url) return name.startsWith('(') ? name : '(native/builtin)';
  const short = shortUrl(url);
  if (short.startsWith('reprov ')) return `reprov ${short.split('/').slice(-2).join('/')}`;
  if (short.startsWith('node:')) return 'node internals';
  return short.split('/')[0].startsWith('@') ? short.split('/').slice(0, 2).join('/') : short.split('/')[0];
}

const byFunction = new Map();
const byModule = new Map();
for (const node of profile.nodes) {
  const hits = node.hitCount ?? 0;
  if (!hits) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const name = functionName || '(anonymous)';
  const key = `${name}  ${shortUrl(url)}${url ? `:${lineNumber + 1}` : ''}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + hits);
  const module = moduleOf(url, name);
  byModule.set(module, (byModule.get(module) ?? 0) + hits);
}

const line = (hits, key) => `${(hits * msPerSample).toFixed(0).padStart(7)} ms ${((100 * hits) / totalSamples).toFixed(1).padStart(5)}%  ${key}`;
console.log(`${file}: ${totalSamples} samples, ${((profile.endTime - profile.startTime) / 1e6).toFixed(2)} s`);
console.log('\nself time by module:');
for (const [key, hits] of [...byModule].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(line(hits, key));
console.log(`\ntop ${top} functions by self time:`);
for (const [key, hits] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(line(hits, key));
