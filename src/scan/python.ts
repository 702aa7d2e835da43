/**
 * Python source to FileFacts, with tree-sitter (web-tree-sitter and the tree-sitter-python
 * grammar, both WASM shipped in their npm packages: nothing is fetched). Loaded only when a scan
 * meets a Python file.
 */
import { createRequire } from 'node:module';
import { Language, Parser, Query, type Node } from 'web-tree-sitter';
import type { Call, FileFacts, Position, SyntaxProblem, Value } from './facts.js';

/** The nodes the facts come from. */
const QUERY = '(class_definition) @class (function_definition) @function (call) @call (assignment left: (attribute)) @assignment';

let parser: Promise<{ parser: Parser; query: Query }> | undefined;

function pythonParser(): Promise<{ parser: Parser; query: Query }> {
  parser ??= (async () => {
    await Parser.init();
    const grammar = await Language.load(createRequire(import.meta.url).resolve('tree-sitter-python/tree-sitter-python.wasm'));
    return { parser: new Parser().setLanguage(grammar), query: new Query(grammar, QUERY) };
  })();
  return parser;
}

export async function analyzePython(text: string): Promise<FileFacts> {
  const { parser, query } = await pythonParser();
  const tree = parser.parse(text);
  if (!tree) throw new Error('tree-sitter returned no tree');
  try {
    const root = tree.rootNode;
    if (root.hasError) return { language: 'python', calls: [], assignments: [], functions: [], references: [], syntaxError: firstError(root) };
    return new PythonWalker(importsOf(root), constantsOf(root)).facts(root, query);
  } finally {
    tree.delete();
  }
}

const position = (node: Node): Position => ({ line: node.startPosition.row + 1, column: node.startPosition.column + 1 });

function firstError(root: Node): SyntaxProblem {
  const cursor = root.walk();
  try {
    for (;;) {
      const node = cursor.currentNode;
      if (node.isMissing) return { at: position(node), message: `expected '${node.type}'` };
      if (node.isError) return { at: position(node), message: `unexpected ${JSON.stringify(node.text.split('\n')[0]!.slice(0, 20))}` };
      // Descend only into subtrees that hold the error.
      if (node.hasError && cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return { at: { line: 1, column: 1 }, message: 'syntax error' };
      }
    }
  } finally {
    cursor.delete();
  }
}

/** Local name -> the dotted module path it stands for, from every import in the file. */
function importsOf(root: Node): Map<string, string> {
  const imports = new Map<string, string>();
  for (const statement of root.descendantsOfType(['import_statement', 'import_from_statement'])) {
    if (!statement) continue;
    const from = statement.type === 'import_from_statement' ? statement.childForFieldName('module_name') : null;
    // Relative imports (`from . import x`) name the project's own modules.
    if (from && from.type !== 'dotted_name') continue;
    for (const name of statement.childrenForFieldName('name')) {
      if (!name) continue;
      if (name.type === 'aliased_import') {
        const path = name.childForFieldName('name')!.text;
        imports.set(name.childForFieldName('alias')!.text, from ? `${from.text}.${path}` : path);
      } else if (from) {
        imports.set(name.text, `${from.text}.${name.text}`);
      } else {
        // `import numpy.random` binds `numpy`.
        const top = name.text.split('.')[0]!;
        imports.set(top, top);
      }
    }
  }
  return imports;
}

/** Module-level names bound once to a string literal (`MODEL = "bert-base-uncased"`): read as that string. */
function constantsOf(root: Node): Map<string, string> {
  const constants = new Map<string, string>();
  const seen = new Set<string>();
  for (const statement of root.namedChildren) {
    const assignment = statement?.type === 'expression_statement' ? statement.namedChildren[0] : undefined;
    const left = assignment?.type === 'assignment' ? assignment.childForFieldName('left') : null;
    if (left?.type !== 'identifier') continue;
    const right = assignment!.childForFieldName('right');
    const literal = right?.type === 'string' && !right.namedChildren.some((c) => c?.type === 'interpolation');
    if (seen.has(left.text) || !literal) constants.delete(left.text);
    else constants.set(left.text, right.namedChildren.filter((c) => c?.type === 'string_content').map((c) => c!.text).join(''));
    seen.add(left.text);
  }
  return constants;
}

/** Turns the captured nodes into facts, resolving names through the imports. */
class PythonWalker {
  private readonly out: FileFacts = { language: 'python', calls: [], assignments: [], functions: [], references: [] };

  constructor(private readonly imports: Map<string, string>, private readonly constants: Map<string, string>) {}

  facts(root: Node, query: Query): FileFacts {
    // A query picks the few nodes that matter inside the WASM parser: wrapping every node of the
    // tree as an object would cost more than the parse itself. Captures come in source order.
    const scopes: { index: number; start: number; end: number }[] = [];
    const classes: { name: string; start: number; end: number }[] = [];
    for (const { name: kind, node } of query.captures(root)) {
      const start = node.startIndex;
      while (scopes.length && start >= scopes.at(-1)!.end) scopes.pop();
      while (classes.length && start >= classes.at(-1)!.end) classes.pop();
      const scope = scopes.at(-1)?.index ?? -1;
      switch (kind) {
        case 'class':
          classes.push({ name: node.childForFieldName('name')!.text, start, end: node.endIndex });
          break;
        case 'function': {
          const name = node.childForFieldName('name')!;
          // `Model(...)` runs Model.__init__: a constructor goes by its class's name.
          const inClass = classes.length > 0 && classes.at(-1)!.start > (scopes.at(-1)?.start ?? -1);
          const fnName = inClass && name.text === '__init__' ? classes.at(-1)!.name : name.text;
          const index = this.out.functions.push({ name: fnName, at: position(name), offset: start, scope }) - 1;
          scopes.push({ index, start, end: node.endIndex });
          break;
        }
        case 'call':
          this.call(node, scope);
          break;
        case 'assignment':
          this.assignment(node, scope);
      }
    }
    return this.out;
  }

  private call(node: Node, scope: number): void {
    const fn = node.childForFieldName('function')!;
    const name = this.resolve(fn);
    const call: Call = {
      written: fn.text,
      args: [],
      keywords: {},
      spread: false,
      at: position(node),
      offset: node.startIndex,
      end: node.endIndex,
      scope,
    };
    if (name?.resolved) call.callee = name.name;
    const args = node.childForFieldName('arguments');
    for (const arg of args?.type === 'argument_list' ? args.namedChildren : []) {
      if (!arg || arg.type === 'comment') continue;
      if (arg.type === 'keyword_argument') {
        const value = arg.childForFieldName('value')!;
        call.keywords[arg.childForFieldName('name')!.text] = this.value(value);
        this.reference(value, scope);
      } else if (arg.type === 'list_splat' || arg.type === 'dictionary_splat') {
        call.spread = true;
      } else {
        call.args.push(this.value(arg));
        this.reference(arg, scope);
      }
    }
    if (args && args.type !== 'argument_list') call.args.push(this.value(args));
    this.out.calls.push(call);
  }

  private assignment(node: Node, scope: number): void {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    if (left?.type !== 'attribute' || !right) return;
    const target = this.resolve(left);
    if (!target) return;
    this.out.assignments.push({ target: target.name, resolved: target.resolved, value: this.value(right), at: position(node), offset: node.startIndex, scope });
  }

  /** A function passed by name (`worker_init_fn=seed_worker`, `ds.map(self.augment)`). */
  private reference(node: Node, scope: number): void {
    if (node.type !== 'identifier' && node.type !== 'attribute') return;
    const name = this.resolve(node);
    if (name && !name.resolved) this.out.references.push({ name: name.name.slice(name.name.lastIndexOf('.') + 1), offset: node.startIndex, end: node.endIndex, scope });
  }

  /** The dotted name of an expression, resolved through the imports when its root is one. */
  private resolve(node: Node): { name: string; resolved: boolean } | undefined {
    switch (node.type) {
      case 'identifier': {
        const imported = this.imports.get(node.text);
        return imported ? { name: imported, resolved: true } : { name: node.text, resolved: false };
      }
      case 'attribute': {
        const object = this.resolve(node.childForFieldName('object')!);
        return object && { name: `${object.name}.${node.childForFieldName('attribute')!.text}`, resolved: object.resolved };
      }
      case 'call': {
        const fn = this.resolve(node.childForFieldName('function')!);
        return fn && { name: `${fn.name}()`, resolved: fn.resolved };
      }
      case 'parenthesized_expression': {
        const inner = node.namedChildren[0];
        return inner ? this.resolve(inner) : undefined;
      }
      default:
        return undefined;
    }
  }

  private value(node: Node): Value {
    switch (node.type) {
      case 'string':
        if (node.namedChildren.some((c) => c?.type === 'interpolation')) break;
        return { kind: 'string', value: node.namedChildren.filter((c) => c?.type === 'string_content').map((c) => c!.text).join('') };
      case 'concatenated_string':
        if (node.descendantsOfType('interpolation').length) break;
        return { kind: 'string', value: node.descendantsOfType('string_content').map((c) => c!.text).join('') };
      case 'integer':
      case 'float': {
        const number = Number(node.text.replace(/_/g, ''));
        if (Number.isFinite(number)) return { kind: 'number', value: number };
        break;
      }
      case 'unary_operator': {
        const operand = node.childForFieldName('argument');
        const inner = operand && this.value(operand);
        if (inner?.kind === 'number' && node.text.startsWith('-')) return { kind: 'number', value: -inner.value };
        break;
      }
      case 'true':
        return { kind: 'boolean', value: true };
      case 'false':
        return { kind: 'boolean', value: false };
      case 'none':
        return { kind: 'none' };
      case 'identifier':
      case 'attribute': {
        const constant = this.constants.get(node.text);
        if (constant !== undefined) return { kind: 'string', value: constant };
        const name = this.resolve(node);
        if (name) return { kind: 'name', name: name.name };
        break;
      }
    }
    return { kind: 'other', text: node.text };
  }
}
