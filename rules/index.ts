/** Every built-in rule, in the order reports list them. One file per rule, beside its test. */
import type { Rule } from '../src/check/types.js';
import S001 from './RPV-S001.js';
import D001 from './RPV-D001.js';

export const RULES: readonly Rule[] = [S001, D001];
