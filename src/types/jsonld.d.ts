// The parts of jsonld's API reprov uses (the package ships no types).
declare module 'jsonld' {
  export interface RemoteDocument { contextUrl: string | null; documentUrl: string; document: unknown }
  export interface Options {
    documentLoader?: (url: string) => Promise<RemoteDocument>;
    format?: string;
    base?: string | null;
    safe?: boolean;
    useNativeTypes?: boolean;
    produceGeneralizedRdf?: boolean;
  }
  const jsonld: {
    expand(input: unknown, options?: Options): Promise<object[]>;
    toRDF(input: unknown, options?: Options): Promise<string | object[]>;
    fromRDF(input: string, options?: Options): Promise<object[]>;
    compact(input: unknown, context: unknown, options?: Options): Promise<Record<string, unknown>>;
  };
  export default jsonld;
}
