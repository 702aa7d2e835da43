import { describe, expect, it } from 'vitest';
import rule from './RPV-S106.js';
import { hits } from '../../test/scan/support.js';

describe('RPV-S106 no Math.random in training code', () => {
  it('flags every Math.random call, in TypeScript and JavaScript', async () => {
    expect(await hits(rule, 'const a = Math.random();\nconst f = () => Math.random() * 2;\n', 'typescript')).toEqual(['1:Math.random', '2:Math.random']);
  });
  it('passes other Math functions and a seeded generator', async () => {
    expect(await hits(rule, 'const rand = mulberry32(42);\nconst a = Math.floor(rand() * 10);\nconst r = random.random();\n', 'typescript')).toEqual([]);
  });
  it('a Math imported from a module is not the global', async () => {
    expect(await hits(rule, "import { Math } from './seeded-math';\nMath.random();\n", 'typescript')).toEqual([]);
  });
});
