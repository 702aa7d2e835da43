// The parts of shacl-engine's API reprov uses (the package ships no types).
declare module 'shacl-engine' {
  import type { DataFactory, DatasetCore, Literal, Term } from '@rdfjs/types';
  export interface ValidationResult {
    focusNode?: Term | { term: Term };
    severity?: Term;
    shape: { ptr: { term: Term } };
    readonly message: Literal[];
  }
  export interface ValidationReport {
    conforms: boolean;
    results: ValidationResult[];
  }
  export class Validator {
    constructor(shapes: DatasetCore, options: { factory: DataFactory });
    validate(data: { dataset: DatasetCore; terms?: Iterable<Term> }): Promise<ValidationReport>;
  }
}
