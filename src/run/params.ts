/**
 * Parameters as the run API and `reprov record --params` take them: flat or nested. Nested keys are
 * joined with `.` (`{ optimizer: { lr: 0.1 } }` -> `optimizer.lr`), as the Python API does
 * (src/instrument/python/reprov/_core.py `_flatten`); lists, `null` and empty objects are kept as
 * their JSON text, `undefined` (an optional property left out) is not recorded.
 */
import type { Value } from '../prov/graph.js';

/** A parameter's value: a scalar, a list (recorded as JSON text) or a nested object of parameters. */
export type ParamValue = Value | null | undefined | readonly ParamValue[] | Params;

/** Parameters by name, nested objects allowed: `{ lr: 0.1, optimizer: { name: 'adam', betas: [0.9, 0.999] } }`. */
export interface Params {
  readonly [name: string]: ParamValue;
}

/** What a compile error says when a parameter is none of those (a function, a Map, a class instance with methods). */
export type NotAParam = 'reprov: a parameter is a string, number, boolean, Date, null, a list or an object of these';

/** `V` itself when it can be recorded; for an `interface` (which has no index signature), each property checked. */
export type ParamOf<V> = V extends ParamValue
  ? V
  : V extends (...args: never[]) => unknown
    ? NotAParam
    : V extends readonly unknown[]
      ? { readonly [I in keyof V]: ParamOf<V[I]> }
      : V extends object
        ? ParamsOf<V>
        : NotAParam;

/** The parameters `logParams` takes: `Params`, or an object of an `interface` type whose properties are parameters. */
export type ParamsOf<T> = { [K in keyof T]: ParamOf<T[K]> };

/** `{ optimizer: { lr: 0.1 } }` -> `[['optimizer.lr', 0.1]]`, in key order. A cycle is a TypeError naming the key. */
export function flattenParams(params: Params | object, prefix = ''): [string, Value][] {
  const flat: [string, Value][] = [];
  visit(params, prefix, new Set(), flat);
  return flat;
}

/** One named value, flattened when it is a nested object (`logParam('optimizer', { lr: 0.1 })`). */
export function flattenParam(name: string, value: unknown): [string, Value][] {
  const flat: [string, Value][] = [];
  add(name, value, new Set(), flat);
  return flat;
}

function visit(object: object, prefix: string, ancestors: Set<object>, flat: [string, Value][]): void {
  ancestors.add(object);
  for (const [key, value] of Object.entries(object)) add(prefix + key, value, ancestors, flat);
  ancestors.delete(object);
}

function add(name: string, value: unknown, ancestors: Set<object>, flat: [string, Value][]): void {
  if (value === undefined) return;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return void flat.push([name, value]);
  if (value === null) return void flat.push([name, 'null']);
  if (typeof value === 'bigint') return void flat.push([name, String(value)]);
  // The types refuse these; a JavaScript caller is told, rather than the bundle getting a function's source.
  if (typeof value !== 'object') throw new TypeError(`reprov: parameter ${name} is a ${typeof value}, not a value to record`);
  if (ancestors.has(value)) throw new TypeError(`reprov: parameter ${name} refers back to an object that contains it (a cycle)`);
  if (Array.isArray(value) || Object.keys(value).length === 0) return void flat.push([name, json(name, value)]);
  visit(value, `${name}.`, ancestors, flat);
}

function json(name: string, value: object): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch (error) {
    // A list that holds itself or an ancestor ("circular structure"), a bigint inside a list.
    throw new TypeError(`reprov: parameter ${name} cannot be recorded: ${(error as Error).message.split('\n')[0]}`);
  }
}
