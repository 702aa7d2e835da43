/**
 * TypeScript and JavaScript source to FileFacts, with ts-morph. Syntax only: the type checker is
 * never asked (it would cost seconds per project), imports and aliases are resolved from the
 * import declarations and `require` calls themselves. Loaded only when a scan meets such a file.
 */
import { Project, ts } from 'ts-morph';
import type { Call, FileFacts, Position, Value } from './facts.js';

/** Globals the rules know; a file that imports or declares the name shadows it. */
const GLOBALS = new Set(['Math', 'fetch', 'crypto']);

/** One in-memory project per analyzer: no tsconfig, no lib files, no module resolution. */
export class TypeScriptAnalyzer {
  private readonly project = new Project({
    useInMemoryFileSystem: true,
    skipAddingFilesFromTsConfig: true,
    compilerOptions: { allowJs: true, noLib: true, noResolve: true, types: [] },
  });

  /** `file` names the file (its extension picks TS, TSX, JS or JSX). */
  analyze(text: string, file: string): FileFacts {
    const source = this.project.createSourceFile(`/${file.replace(/^[/\\]+/, '')}`, text, { overwrite: true });
    try {
      const node = source.compilerNode;
      const [problem] = this.project.getProgram().compilerObject.getSyntacticDiagnostics(node);
      if (problem) {
        return {
          language: 'typescript', calls: [], assignments: [], functions: [], references: [],
          syntaxError: { at: positionAt(node, problem.start ?? 0), message: ts.flattenDiagnosticMessageText(problem.messageText, ' ') },
        };
      }
      return new TypeScriptWalker(node, importsOf(node), constantsOf(node)).facts();
    } finally {
      this.project.removeSourceFile(source);
    }
  }
}

function positionAt(source: ts.SourceFile, offset: number): Position {
  const { line, character } = source.getLineAndCharacterOfPosition(offset);
  return { line: line + 1, column: character + 1 };
}

/** `node:crypto` and `crypto` are one module. */
const moduleName = (specifier: string): string => specifier.replace(/^node:/, '');

/** Local name -> dotted path (`module.export`) from import declarations, `import x = require()` and `const x = require()`. */
function importsOf(source: ts.SourceFile): Map<string, string> {
  const imports = new Map<string, string>();
  const bindPattern = (name: ts.BindingName, path: string) => {
    if (ts.isIdentifier(name)) imports.set(name.text, path);
    else if (ts.isObjectBindingPattern(name)) {
      for (const element of name.elements) {
        // `...rest` holds the other properties of the same object.
        if (element.dotDotDotToken) {
          bindPattern(element.name, path);
          continue;
        }
        const key = element.propertyName;
        const property = key && (ts.isIdentifier(key) || ts.isStringLiteral(key)) ? key.text : !key && ts.isIdentifier(element.name) ? element.name.text : undefined;
        // `{ default: fetch }` is the module's default export, which an import names by the module.
        if (property) bindPattern(element.name, property === 'default' ? path : `${path}.${property}`);
      }
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const module = moduleName(node.moduleSpecifier.text);
      const clause = node.importClause;
      if (clause?.name) imports.set(clause.name.text, module);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) imports.set(bindings.name.text, module);
      if (bindings && ts.isNamedImports(bindings)) {
        for (const element of bindings.elements) imports.set(element.name.text, `${module}.${(element.propertyName ?? element.name).text}`);
      }
      return;
    }
    if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      imports.set(node.name.text, moduleName(node.moduleReference.expression.text));
      return;
    }
    if (ts.isVariableDeclaration(node) && node.initializer) {
      const module = requiredModule(node.initializer);
      if (module) bindPattern(node.name, module);
      else aliases.push(node);
    }
    ts.forEachChild(node, visit);
  };
  // Names taken from an import or a known global, by destructuring or plain assignment
  // (`const { randomNormal } = tf`, `const { a: { b } } = lib`, `const { random } = Math`,
  // `const get = https.get`), resolve like the import itself. Repeated, so that an alias of an
  // alias declared before it resolves too.
  const aliases: ts.VariableDeclaration[] = [];
  visit(source);
  for (let changed = true, round = 0; changed && round < 8; round++) {
    changed = false;
    for (const declaration of aliases) {
      const path = aliasedPath(declaration.initializer!, imports);
      if (path === undefined) continue;
      const before = imports.size;
      bindPattern(declaration.name, path);
      if (imports.size !== before) changed = true;
    }
  }
  return imports;
}

/** The dotted path an initializer names when its root is an import or a known global (`tf.random`, `Math`). */
function aliasedPath(node: ts.Expression, imports: Map<string, string>): string | undefined {
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isNonNullExpression(node)) return aliasedPath(node.expression, imports);
  if (ts.isAwaitExpression(node)) {
    // `await import('node:https')`
    const call = node.expression;
    if (ts.isCallExpression(call) && call.expression.kind === ts.SyntaxKind.ImportKeyword && call.arguments[0] && ts.isStringLiteralLike(call.arguments[0])) return moduleName(call.arguments[0].text);
    return undefined;
  }
  if (ts.isIdentifier(node)) return imports.get(node.text) ?? (GLOBALS.has(node.text) ? node.text : undefined);
  if (ts.isPropertyAccessExpression(node)) {
    const base = aliasedPath(node.expression, imports);
    return base && `${base}.${node.name.text}`;
  }
  return undefined;
}

/** `require('x')` or `require('x').y` as a dotted path. */
function requiredModule(node: ts.Expression): string | undefined {
  if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'require') {
    const [arg] = node.arguments;
    return arg && ts.isStringLiteralLike(arg) ? moduleName(arg.text) : undefined;
  }
  if (ts.isPropertyAccessExpression(node)) {
    const base = requiredModule(node.expression);
    return base && `${base}.${node.name.text}`;
  }
  return undefined;
}

/** Top-level `const NAME = 'literal'`: read as that string. */
function constantsOf(source: ts.SourceFile): Map<string, string> {
  const constants = new Map<string, string>();
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement) || !(statement.declarationList.flags & ts.NodeFlags.Const)) continue;
    for (const declaration of statement.declarationList.declarations) {
      const init = declaration.initializer;
      if (ts.isIdentifier(declaration.name) && init && (ts.isStringLiteral(init) || ts.isNoSubstitutionTemplateLiteral(init))) constants.set(declaration.name.text, init.text);
    }
  }
  return constants;
}

class TypeScriptWalker {
  private readonly out: FileFacts = { language: 'typescript', calls: [], assignments: [], functions: [], references: [] };

  constructor(
    private readonly source: ts.SourceFile,
    private readonly imports: Map<string, string>,
    private readonly constants: Map<string, string>,
  ) {}

  facts(): FileFacts {
    this.walk(this.source, -1);
    return this.out;
  }

  private position(node: ts.Node): Position {
    return positionAt(this.source, node.getStart(this.source));
  }

  private walk(node: ts.Node, scope: number): void {
    const named = functionName(node);
    if (named) {
      const index = this.out.functions.push({ name: named.name, at: this.position(named.node), offset: node.getStart(this.source), scope }) - 1;
      ts.forEachChild(named.body, (child) => this.walk(child, index));
      return;
    }
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) this.call(node, scope);
    else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(node.left)) this.assignment(node, scope);
    else if (ts.isImportDeclaration(node)) return;
    ts.forEachChild(node, (child) => this.walk(child, scope));
  }

  private call(node: ts.CallExpression | ts.NewExpression, scope: number): void {
    const name = this.resolve(node.expression);
    const call: Call = {
      written: node.expression.getText(this.source),
      args: [],
      keywords: {},
      spread: false,
      at: this.position(node),
      offset: node.getStart(this.source),
      end: node.getEnd(),
      scope,
    };
    if (name?.resolved) call.callee = name.name;
    for (const arg of node.arguments ?? []) {
      if (ts.isSpreadElement(arg)) {
        call.spread = true;
        continue;
      }
      call.args.push(this.value(arg));
      this.reference(arg, scope);
      if (ts.isObjectLiteralExpression(arg)) this.options(arg, call);
    }
    this.out.calls.push(call);
  }

  /** The properties of an options object, as keywords. */
  private options(object: ts.ObjectLiteralExpression, call: Call): void {
    for (const property of object.properties) {
      if (ts.isPropertyAssignment(property) && (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name))) {
        call.keywords[property.name.text] = this.value(property.initializer);
      } else if (ts.isShorthandPropertyAssignment(property)) {
        call.keywords[property.name.text] = { kind: 'name', name: property.name.text };
      } else if (ts.isSpreadAssignment(property)) {
        call.spread = true;
      }
    }
  }

  private assignment(node: ts.BinaryExpression, scope: number): void {
    const target = this.resolve(node.left);
    if (!target) return;
    this.out.assignments.push({ target: target.name, resolved: target.resolved, value: this.value(node.right), at: this.position(node), offset: node.getStart(this.source), scope });
  }

  private reference(node: ts.Expression, scope: number): void {
    const isThisMember = ts.isPropertyAccessExpression(node) && node.expression.kind === ts.SyntaxKind.ThisKeyword;
    if (!ts.isIdentifier(node) && !isThisMember) return;
    const name = ts.isIdentifier(node) ? node.text : (node as ts.PropertyAccessExpression).name.text;
    if (!this.imports.has(name)) this.out.references.push({ name, offset: node.getStart(this.source), end: node.getEnd(), scope });
  }

  private resolve(node: ts.Expression): { name: string; resolved: boolean } | undefined {
    if (ts.isIdentifier(node)) {
      const imported = this.imports.get(node.text);
      if (imported) return { name: imported, resolved: true };
      return { name: node.text, resolved: GLOBALS.has(node.text) };
    }
    if (node.kind === ts.SyntaxKind.ThisKeyword) return { name: 'this', resolved: false };
    if (ts.isPropertyAccessExpression(node)) {
      const object = this.resolve(node.expression);
      return object && { name: `${object.name}.${node.name.text}`, resolved: object.resolved };
    }
    if (ts.isCallExpression(node)) {
      const fn = this.resolve(node.expression);
      return fn && { name: `${fn.name}()`, resolved: fn.resolved };
    }
    if (ts.isParenthesizedExpression(node) || ts.isNonNullExpression(node) || ts.isAwaitExpression(node)) return this.resolve(node.expression);
    return undefined;
  }

  private value(node: ts.Expression): Value {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return { kind: 'string', value: node.text };
    if (ts.isNumericLiteral(node)) return { kind: 'number', value: Number(node.text) };
    if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(node.operand)) return { kind: 'number', value: -Number(node.operand.text) };
    if (node.kind === ts.SyntaxKind.TrueKeyword) return { kind: 'boolean', value: true };
    if (node.kind === ts.SyntaxKind.FalseKeyword) return { kind: 'boolean', value: false };
    if (node.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(node) && node.text === 'undefined')) return { kind: 'none' };
    if (ts.isIdentifier(node) && this.constants.has(node.text)) return { kind: 'string', value: this.constants.get(node.text)! };
    if (ts.isIdentifier(node) || ts.isPropertyAccessExpression(node)) {
      const name = this.resolve(node);
      if (name) return { kind: 'name', name: name.name };
    }
    return { kind: 'other', text: node.getText(this.source) };
  }
}

/** A function with a name: a declaration, a method, or a function expression bound to a variable or property. */
function functionName(node: ts.Node): { name: string; node: ts.Node; body: ts.Node } | undefined {
  // `new Model()` runs Model's constructor: it goes by the class's name.
  if (ts.isConstructorDeclaration(node) && node.body && ts.isClassLike(node.parent) && node.parent.name) {
    return { name: node.parent.name.text, node, body: node.body };
  }
  if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) && node.name && node.body && (ts.isIdentifier(node.name) || ts.isPrivateIdentifier(node.name))) {
    return { name: node.name.text, node: node.name, body: node.body };
  }
  if ((ts.isVariableDeclaration(node) || ts.isPropertyDeclaration(node) || ts.isPropertyAssignment(node)) && node.initializer) {
    const init = node.initializer;
    if ((ts.isArrowFunction(init) || ts.isFunctionExpression(init)) && (ts.isIdentifier(node.name) || ts.isPrivateIdentifier(node.name))) {
      return { name: node.name.text, node: node.name, body: init.body };
    }
  }
  return undefined;
}
