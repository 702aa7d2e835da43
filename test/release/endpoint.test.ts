/** What needs no server: endpoint URLs, the graph store each known server has, and SPARQL JSON read the same from every source. */
import { describe, expect, it } from 'vitest';
import { endpointUrl, graphStoreOf } from '../../src/release/endpoint.js';
import { parseResults, type SparqlSource } from '../../src/release/sparql-source.js';

describe('endpoint URLs', () => {
  it.each([
    ['http://127.0.0.1:8890/sparql', 'http://127.0.0.1:8890/sparql-graph-crud'],
    ['http://h:8890/sparql-auth', 'http://h:8890/sparql-graph-crud-auth'],
    ['http://h:3030/ds/sparql', 'http://h:3030/ds/data'],
    ['http://h:3030/ds/query', 'http://h:3030/ds/data'],
    ['http://h:7878/query', 'http://h:7878/store'],
    ['https://h/graphdb/repositories/runs', 'https://h/graphdb/repositories/runs/rdf-graphs/service'],
    ['http://h/elsewhere/endpoint', undefined],
  ])('%s: graph store %s', (endpoint, store) => {
    expect(graphStoreOf(new URL(endpoint))?.href).toBe(store);
  });

  it('refuses credentials in the URL without repeating them, and what is not http(s)', () => {
    expect(() => endpointUrl('https://bob:hunter2@h/sparql', '--endpoint')).toThrow(/^--endpoint: a URL with a user name or password is refused.*REPROV_ENDPOINT_USER/);
    try {
      endpointUrl('https://bob:hunter2@h/sparql', '--endpoint');
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
    }
    expect(() => endpointUrl('file:///etc/passwd', '--endpoint')).toThrow(/only http: and https:/);
    expect(() => endpointUrl('h/sparql', '--endpoint')).toThrow(/is not a URL/);
  });
});

describe('SPARQL JSON results', () => {
  const source = { name: 'http://h/sparql' } as SparqlSource;

  it('reads Virtuoso\'s ASK (a SELECT of __ASK_RETVAL) as a boolean, only for an ASK', () => {
    const body = JSON.stringify({ head: { vars: ['__ASK_RETVAL'] }, results: { bindings: [{ __ASK_RETVAL: { type: 'typed-literal', datatype: 'http://www.w3.org/2001/XMLSchema#integer', value: '0' } }] } });
    expect(parseResults(body, source, true)).toEqual({ head: {}, boolean: false });
    expect(parseResults(body, source, false).results!.bindings[0]!.__ASK_RETVAL!.type).toBe('literal');
  });

  it('refuses an answer that is not SPARQL results, naming the source', () => {
    expect(() => parseResults('<html>Sign in</html>', source, false)).toThrow(/^http:\/\/h\/sparql: the answer is not SPARQL JSON results/);
    expect(() => parseResults('{"head":{}}', source, false)).toThrow(/not SPARQL JSON results/);
  });

  it.each([
    ['a null binding', { results: { bindings: [null] } }],
    ['a term without a value', { head: { vars: ['g'] }, results: { bindings: [{ g: { type: 'uri' } }] } }],
    ['a term that is a string', { head: { vars: ['g'] }, results: { bindings: [{ g: 'http://x/' }] } }],
    ['vars that are a string', { head: { vars: 'g' }, results: { bindings: [] } }],
  ])('refuses a hostile answer with %s as not SPARQL results (no internal error)', (_what, answer) => {
    expect(() => parseResults(JSON.stringify(answer), source, false)).toThrow(/^http:\/\/h\/sparql: the answer is not SPARQL JSON results/);
  });
});
