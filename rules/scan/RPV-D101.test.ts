import { describe, expect, it } from 'vitest';
import rule from './RPV-D101.js';
import { code, hits, hitsOf } from '../../test/scan/support.js';

describe('RPV-D101 Hub datasets and models are pinned to a revision', () => {
  it('flags Hub reads without revision=, resolving module-level constants', async () => {
    expect(await hits(rule, code(`
      import datasets
      from transformers import AutoModel
      NAME = "gpt2"
      datasets.load_dataset("squad")
      AutoModel.from_pretrained(NAME)
    `))).toEqual(['4:datasets.load_dataset', '5:transformers.AutoModel.from_pretrained']);
  });
  it('passes pinned reads, local paths, file builders and repositories held in variables', async () => {
    expect(await hits(rule, code(`
      from datasets import load_dataset
      from transformers import AutoModel
      load_dataset("squad", revision="5fe18c4c680f9922d794e3f4dd673a751c74ee37")
      load_dataset("json", data_files="train.jsonl")
      AutoModel.from_pretrained("./out/checkpoint-500")
      AutoModel.from_pretrained(args.model_dir)
    `))).toEqual([]);
  });
  it('flags a branch or tag given as the revision; a commit, or a revision held in a variable, pins', async () => {
    const lines = await hits(rule, code(`
      from transformers import AutoModel
      AutoModel.from_pretrained("gpt2", revision="main")
      AutoModel.from_pretrained("gpt2", revision="v1.0")
      AutoModel.from_pretrained("gpt2", revision="607a30d783dfa663caf39e06633721c8d4cfcd7e")
      AutoModel.from_pretrained("gpt2", revision=args.revision)
    `));
    expect(lines).toEqual(['2:transformers.AutoModel.from_pretrained', '3:transformers.AutoModel.from_pretrained']);
    const [message] = (await hitsOf(rule, code(`
      from transformers import AutoModel
      AutoModel.from_pretrained("gpt2", revision="main")
    `))).map((h) => h.message);
    expect(message).toBe("AutoModel.from_pretrained() loads 'gpt2' from the Hugging Face Hub at revision 'main', a branch or tag that can move (not a commit)");
  });
  it('ignores from_pretrained of packages that do not read the Hub', async () => {
    expect(await hits(rule, 'from mylib import Model\nModel.from_pretrained("x")\n')).toEqual([]);
  });
  it('transformers.js: flags from_pretrained and pipeline without a revision option', async () => {
    expect(await hits(rule, code(`
      import { AutoModel, pipeline } from '@xenova/transformers';
      await AutoModel.from_pretrained('Xenova/bert-base-uncased');
      await AutoModel.from_pretrained('Xenova/bert-base-uncased', { revision: '0123456789abcdef0123456789abcdef01234567' });
      await pipeline('fill-mask', 'Xenova/bert-base-uncased');
    `), 'typescript')).toEqual(['2:@xenova/transformers.AutoModel.from_pretrained', '4:@xenova/transformers.pipeline']);
  });
});
