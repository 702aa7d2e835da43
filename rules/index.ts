/** Every built-in rule, in the order reports list them. One file per rule, beside its test. */
import type { Rule } from '../src/check/types.js';
import S001 from './RPV-S001.js';
import S002 from './RPV-S002.js';
import T001 from './RPV-T001.js';
import T002 from './RPV-T002.js';
import D001 from './RPV-D001.js';
import D002 from './RPV-D002.js';
import D003 from './RPV-D003.js';
import C001 from './RPV-C001.js';
import C002 from './RPV-C002.js';
import C003 from './RPV-C003.js';
import C004 from './RPV-C004.js';
import C005 from './RPV-C005.js';
import E001 from './RPV-E001.js';
import E002 from './RPV-E002.js';
import P001 from './RPV-P001.js';
import P002 from './RPV-P002.js';
import P003 from './RPV-P003.js';
import H001 from './RPV-H001.js';
import H002 from './RPV-H002.js';
import M001 from './RPV-M001.js';
import M002 from './RPV-M002.js';
import M003 from './RPV-M003.js';
import M004 from './RPV-M004.js';
import M005 from './RPV-M005.js';
import M006 from './RPV-M006.js';
import X001 from './RPV-X001.js';

export const RULES: readonly Rule[] = [
  S001, S002, T001, T002, D001, D002, D003, C001, C002, C003, C004, C005, E001, E002, P001, P002, P003, H001, H002, M001, M002, M003, M004, M005, M006, X001,
];
