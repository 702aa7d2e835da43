/**
 * A SPARQL 1.1 server as reprov's SPARQL source (`--endpoint`), and `reprov push`: each bundle's
 * triples PUT as one named graph (its IRI the bundle file's `file:` URL, as the embedded store
 * names it) with the SPARQL 1.1 Graph Store HTTP Protocol, so that pushing again replaces it.
 *
 * - Credentials come only from the environment: REPROV_ENDPOINT_TOKEN (a Bearer token), or
 *   REPROV_ENDPOINT_USER and REPROV_ENDPOINT_PASSWORD (Basic). A URL with a user name or password
 *   is refused (argv is in the shell history and the process list); messages name URLs without
 *   credentials and pass through redact.ts with the secrets given.
 * - Queries go as an HTML form POST (`query=`): every server takes it, while Debian's Virtuoso
 *   7.2 never answers a POST of `application/sparql-query`.
 * - A redirect is followed only to the same origin (scheme, host, port): credentials never go
 *   to another host.
 */
import { oneLine } from '../base/diagnostics.js';
import { literalSecret, redactText, redactUrl, type SecretPattern } from '../base/redact.js';
import { UserError } from '../base/user-error.js';
import { MEDIA, type SparqlSource } from './sparql-source.js';

/** A server that cannot be reached, or answers with an error or not in SPARQL: one line, exit 2. */
export class EndpointError extends UserError {
  constructor(message: string, readonly status?: number) {
    super(message);
  }
}

const MAX_REDIRECTS = 5;
const DETAIL_CHARS = 300;

export interface EndpointOptions {
  /** Seconds to wait for each answer. */
  timeout: number;
  env?: NodeJS.ProcessEnv;
}

/** An endpoint URL given on the command line: http(s), no credentials in it. Throws UserError. */
export function endpointUrl(text: string, flag: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UserError(`${flag}: ${JSON.stringify(redactUrl(text))} is not a URL`);
  }
  if (url.username || url.password) {
    throw new UserError(`${flag}: a URL with a user name or password is refused (it would stay in the shell history and the process list): set REPROV_ENDPOINT_USER and REPROV_ENDPOINT_PASSWORD, or REPROV_ENDPOINT_TOKEN, instead`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UserError(`${flag}: ${redactUrl(url.href)}: only http: and https: endpoints are supported`);
  return url;
}

/** The Graph Store Protocol URL of the known servers' query URLs; undefined when it cannot be told. */
export function graphStoreOf(endpoint: URL): URL | undefined {
  const url = new URL(endpoint.href);
  url.search = '';
  const path = url.pathname;
  const rules: [RegExp, string][] = [
    [/^\/sparql\/?$/, '/sparql-graph-crud'], // Virtuoso
    [/^\/sparql-auth\/?$/, '/sparql-graph-crud-auth'], // Virtuoso, authenticated
    [/^(\/[^/]+)\/(?:sparql|query)\/?$/, '$1/data'], // Apache Jena Fuseki: /DATASET/sparql
    [/^\/query\/?$/, '/store'], // Oxigraph server
    [/^(.*\/repositories\/[^/]+)\/?$/, '$1/rdf-graphs/service'], // GraphDB, RDF4J
  ];
  const rule = rules.find(([pattern]) => pattern.test(path));
  if (!rule) return undefined;
  url.pathname = path.replace(rule[0], rule[1]);
  return url;
}

interface Credentials { authorization?: string; secrets: SecretPattern[] }

function credentials(env: NodeJS.ProcessEnv): Credentials {
  const token = env.REPROV_ENDPOINT_TOKEN;
  if (token) return { authorization: `Bearer ${token}`, secrets: [literalSecret(token, 'token')] };
  const user = env.REPROV_ENDPOINT_USER;
  const password = env.REPROV_ENDPOINT_PASSWORD;
  if (!user && !password) return { secrets: [] };
  if (!user || !password) throw new UserError(`${user ? 'REPROV_ENDPOINT_USER' : 'REPROV_ENDPOINT_PASSWORD'} is set but ${user ? 'REPROV_ENDPOINT_PASSWORD' : 'REPROV_ENDPOINT_USER'} is not: set both (Basic authentication), or REPROV_ENDPOINT_TOKEN`);
  // The encoded pair is a secret too: a server may echo the header it was sent. The user name is not.
  const encoded = Buffer.from(`${user}:${password}`).toString('base64');
  return { authorization: `Basic ${encoded}`, secrets: [literalSecret(encoded), literalSecret(password, 'password')] };
}

/** One HTTP client for an endpoint: credentials, time limit, same-origin redirects, one-line errors. */
export class Endpoint {
  private readonly credentials: Credentials;
  private readonly timeout: number;

  constructor(readonly url: URL, options: EndpointOptions) {
    this.credentials = credentials(options.env ?? process.env);
    this.timeout = options.timeout;
  }

  /** A URL for messages: no credentials, secrets redacted, no query string (a graph IRI is named apart). */
  display(url: URL): string {
    const shown = new URL(url.href);
    shown.search = '';
    return redactUrl(shown.href, this.credentials.secrets);
  }

  /** Text from a server or an error, safe to print: the credentials and any secret redacted, one line. */
  private safe(text: string): string {
    return oneLine(redactText(text, this.credentials.secrets), DETAIL_CHARS);
  }

  /** A request with the credentials; answers with a 2xx response or throws EndpointError. */
  async request(target: URL, init: { method: string; headers: Record<string, string>; body?: string }): Promise<Response> {
    const headers = { ...init.headers, ...(this.credentials.authorization && { authorization: this.credentials.authorization }) };
    let url = target;
    for (let hop = 0; ; hop++) {
      let response: Response;
      try {
        response = await fetch(url, { ...init, headers, redirect: 'manual', signal: AbortSignal.timeout(this.timeout * 1000) });
      } catch (error) {
        throw this.failure(url, error);
      }
      if (response.status >= 300 && response.status < 400 && response.headers.has('location')) {
        await response.body?.cancel();
        const next = new URL(response.headers.get('location')!, url);
        if (next.origin !== this.url.origin) throw new EndpointError(`${this.display(url)}: redirected to another host (${this.display(next)}): not followed, credentials go only to the endpoint's host`);
        if (hop >= MAX_REDIRECTS) throw new EndpointError(`${this.display(url)}: more than ${MAX_REDIRECTS} redirects`);
        url = next;
        continue;
      }
      if (response.ok) return response;
      throw new EndpointError(`${this.display(url)}: HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}${await this.detail(response)}`, response.status);
    }
  }

  /** The body of a response {@link request} gave; a connection that stalls or drops while it is read is an EndpointError too. */
  async text(response: Response): Promise<string> {
    try {
      return await response.text();
    } catch (error) {
      throw this.failure(new URL(response.url || this.url.href), error);
    }
  }

  private failure(url: URL, error: unknown): EndpointError {
    const name = (error as Error)?.name;
    if (name === 'TimeoutError' || name === 'AbortError') return new EndpointError(`${this.display(url)}: no answer within ${this.timeout} s (--timeout)`);
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return new EndpointError(`${this.display(url)}: cannot connect (${this.safe(cause?.code ?? cause?.message ?? (error as Error).message)})`);
  }

  /** What an error answer says: its first line of text (HTML tags dropped), and why a 401 cannot be answered. */
  private async detail(response: Response): Promise<string> {
    let text = '';
    try {
      text = (await response.text()).slice(0, 20_000);
    } catch {
      // An unreadable body leaves the status alone to tell.
    }
    const lines = text.replace(/<(script|style)[\s\S]*?<\/\1>/gi, '').replace(/<[^>]*>/g, '\n').split('\n').map((line) => line.trim()).filter(Boolean);
    // Virtuoso's error page repeats the status line before its message.
    const line = lines.find((l) => !/^(?:Error\s*)?(?:HTTP\/|\d{3}\b)|^Error\s*\d*$|request failed$/i.test(l));
    const digest = response.status === 401 && /^\s*digest/i.test(response.headers.get('www-authenticate') ?? '');
    return `${line ? `: ${this.safe(line)}` : ''}${digest ? ' (the server asks for Digest authentication, which reprov does not do: see docs/servers.md)' : ''}`;
  }
}

/** A SPARQL 1.1 Protocol query service as a SPARQL source. */
export function remoteSource(endpoint: Endpoint): SparqlSource {
  const name = endpoint.display(endpoint.url);
  return {
    name,
    async run(query, media) {
      const response = await endpoint.request(endpoint.url, {
        method: 'POST',
        headers: { accept: MEDIA[media], 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ query }).toString(),
      });
      const type = response.headers.get('content-type') ?? '';
      // An HTML page (a login form, a proxy's error page) is not an answer.
      if (/html/i.test(type) || (media === 'json' && !/json/i.test(type))) {
        await response.body?.cancel();
        throw new EndpointError(`${name}: the answer is not SPARQL results (content type ${JSON.stringify(type || 'none')})`);
      }
      return endpoint.text(response);
    },
  };
}
