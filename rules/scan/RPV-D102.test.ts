import { describe, expect, it } from 'vitest';
import rule from './RPV-D102.js';
import { code, hits } from '../../test/scan/support.js';

describe('RPV-D102 downloaded files are verified against a checksum', () => {
  it('flags downloads with no digest after them', async () => {
    expect(await hits(rule, code(`
      import requests
      import pandas as pd
      from urllib.request import urlopen
      requests.get("https://example.org/a.csv")
      pd.read_csv("https://example.org/b.csv")
      urlopen(URL)
      pd.read_csv("data/local.csv")
    `))).toEqual(['4:requests.get', '5:pandas.read_csv', '6:urllib.request.urlopen']);
  });
  it('passes a download followed by a digest, also one computed in a helper called after it', async () => {
    expect(await hits(rule, 'import hashlib, requests\nr = requests.get(u)\nassert hashlib.sha256(r.content).hexdigest() == H\n')).toEqual([]);
    expect(await hits(rule, code(`
      import hashlib, requests
      def check(data):
          return hashlib.sha256(data).hexdigest() == H
      def fetch():
          return requests.get(u).content
      check(fetch())
    `))).toEqual([]);
  });
  it('does not count a digest computed before the download', async () => {
    expect(await hits(rule, 'import hashlib, requests\nhashlib.sha256(b"")\nrequests.get(u)\n')).toEqual(['3:requests.get']);
  });
  it('passes downloaders given a hash: pooch known_hash, torch.hub check_hash, keras file_hash', async () => {
    expect(await hits(rule, code(`
      import pooch, torch
      from tensorflow import keras
      pooch.retrieve(u, known_hash="sha256:ab")
      torch.hub.load_state_dict_from_url(u, check_hash=True)
      keras.utils.get_file("x", u, file_hash="ab")
      pooch.retrieve(u, known_hash=None)
    `))).toEqual(['6:pooch.retrieve']);
  });
  it('JavaScript: flags fetch and axios, passes fetch verified with node:crypto', async () => {
    expect(await hits(rule, "const r = await fetch(URL);\n", 'typescript')).toEqual(['1:fetch']);
    expect(await hits(rule, "import crypto from 'node:crypto';\nconst r = await fetch(URL);\ncrypto.createHash('sha256').update(b).digest('hex');\n", 'typescript')).toEqual([]);
  });
});
