/**
 * Where the time of checking one bundle goes, as one `reprov check` process spends it: Node's
 * start, loading the check modules, then reading (parsing) and indexing the bundle, SHACL, and the rules
 * (each rule's time, the slowest named), in CPU milliseconds. Run in a fresh process so that nothing is warm.
 *
 *   npm run build && node bench/check-phases.mjs BUNDLE.ttl      (bench/check.mjs runs it)
 */
import { readFileSync } from 'node:fs';

// CPU milliseconds of this process (user + system): wall time says little on a loaded machine.
const cpu = () => { const { user, system } = process.cpuUsage(); return (user + system) / 1000; };

const start = cpu();
const [{ rulesFor }, { BundleStore }, { parseBundleInto }, { ShapeSet }] = await Promise.all([
  import('../dist/src/check/check.js'), import('../dist/src/check/bundle-store.js'),
  import('../dist/src/io/load-bundle.js'), import('../dist/src/check/shacl.js'),
]);
const loaded = cpu();

const file = process.argv[2];
const rules = rulesFor({ config: {}, dir: process.cwd(), pointer: '' });
const shapes = new ShapeSet([...new Set(rules.map((r) => r.meta.shape).filter(Boolean))]);
const compiled = cpu();
// Parsed into an array first, then indexed, to tell the two apart (`check` streams the parse into the store).
const quads = [];
const { prefixes } = await parseBundleInto({ addQuad: (q) => quads.push(q), getQuads: () => quads }, readFileSync(file, 'utf8'), file);
const parsed = cpu();
const store = new BundleStore(quads);
quads.length = 0;
const indexed = cpu();
const violations = await shapes.validate(store);
const validated = cpu();
const input = { store, prefixes, file, violations };
const perRule = [];
for (const rule of rules) {
  const t = cpu();
  await rule.check(input);
  perRule.push([rule.meta.id, cpu() - t]);
}
const checked = cpu();

const ms = (a, b) => `${(b - a).toFixed(0)} ms`;
const slowest = perRule.sort((a, b) => b[1] - a[1]).slice(0, 3).map(([id, t]) => `${id} ${t.toFixed(0)} ms`).join(', ');
console.log(`| Node start (until the first line of this script), CPU | ${start.toFixed(0)} ms |`);
console.log(`| loading the check modules (n3, rdf-stores, shacl-engine, rules) | ${ms(start, loaded)} |`);
console.log(`| compiling the shapes | ${ms(loaded, compiled)} |`);
console.log(`| reading (parsing) ${store.size.toLocaleString('en-US')} triples | ${ms(compiled, parsed)} |`);
console.log(`| indexing them (rdf-stores) | ${ms(parsed, indexed)} |`);
console.log(`| SHACL | ${ms(indexed, validated)} |`);
console.log(`| the ${rules.length} rules (slowest: ${slowest}) | ${ms(validated, checked)} |`);
