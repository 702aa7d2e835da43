/**
 * The layering of DESIGN.md, checked by test/architecture.test.ts: a module imports only from its
 * own layer or the layers below it. Lowest first:
 *   base (redaction, confinement, hashing, output writer, diagnostics, errors)
 *   prov (vocabulary, PROV-JSON <-> RDF)  io (formats, readers, writers, bundle loading)
 *   collect  analysis (check, scan, rules)  instrument (the recorder's side of in-process capture)  run  report  release  interop  cli
 * Type-only imports count too: a type from a higher layer is a dependency on it.
 */
const LAYERS = [
  ['base', '^src/base/'],
  ['prov', '^src/prov/'],
  ['io', '^src/io/|^src/convert\\.ts$'],
  ['collect', '^src/collect/'],
  ['analysis', '^src/(check|scan)/|^rules/'],
  ['instrument', '^src/instrument/'],
  ['run', '^src/run/'],
  ['report', '^src/report/'],
  ['release', '^src/release/'],
  ['interop', '^src/interop/'],
  ['cli', '^src/cli/|^src/index\\.ts$'],
];

const forbidden = LAYERS.slice(0, -1).map(([name, path], i) => ({
  name: `${name}-imports-up`,
  comment: `${name} sits below ${LAYERS.slice(i + 1).map(([n]) => n).join(', ')}: it may not import them`,
  severity: 'error',
  from: { path, pathNot: '\\.test\\.ts$' },
  to: { path: LAYERS.slice(i + 1).map(([, p]) => `(${p})`).join('|'), pathNot: '\\.test\\.ts$' },
}));

module.exports = {
  forbidden: [
    ...forbidden,
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: { path: '^(src|rules)/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$|^test/|^dist/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { conditionNames: ['import', 'require', 'node', 'default', 'types'], exportsFields: ['exports'] },
  },
};
