/** Every scan rule (`reprov scan`), in the order reports list them. One file per rule, beside its test. */
import type { ScanRule } from '../../src/scan/rule.js';
import S101 from './RPV-S101.js';
import S102 from './RPV-S102.js';
import S103 from './RPV-S103.js';
import S104 from './RPV-S104.js';
import S105 from './RPV-S105.js';
import S106 from './RPV-S106.js';
import T101 from './RPV-T101.js';
import T102 from './RPV-T102.js';
import D101 from './RPV-D101.js';
import D102 from './RPV-D102.js';

export const SCAN_RULES: readonly ScanRule[] = [S101, S102, S103, S104, S105, S106, T101, T102, D101, D102];
