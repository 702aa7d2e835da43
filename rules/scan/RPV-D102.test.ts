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
  it('Node: flags http(s) get/request whose response is written to disk, in every import spelling', async () => {
    const sources = [
      "import https from 'node:https';\nimport fs from 'node:fs';\nhttps.get(URL, (res) => res.pipe(fs.createWriteStream('data.bin')));\n",
      "import * as https from 'https';\nimport { createWriteStream } from 'fs';\nhttps.get(URL, (res) => res.pipe(createWriteStream('data.bin')));\n",
      "const { get } = require('node:https');\nconst fs = require('fs');\nget(URL, (res) => res.pipe(fs.createWriteStream('data.bin')));\n",
      "const https = require('https');\nconst { pipeline } = require('node:stream/promises');\nconst { request } = https;\nrequest(URL, async (res) => { await pipeline(res, out); });\n",
      "import http from 'node:http';\nimport { writeFile } from 'node:fs/promises';\nhttp.get(URL, (res) => { const parts = []; res.on('data', (c) => parts.push(c)); res.on('end', () => writeFile('d.bin', Buffer.concat(parts))); });\n",
    ];
    const found = await Promise.all(sources.map((s) => hits(rule, s, 'typescript')));
    expect(found.map((f) => f.map((h) => h.replace(/^\d+:/, '')))).toEqual([['https.get'], ['https.get'], ['https.get'], ['https.request'], ['http.get']]);
  });
  it('Node: passes http(s) downloads hashed as they stream, or after; and requests that write no file', async () => {
    expect(await hits(rule, code(`
      import https from 'node:https';
      import { createHash } from 'node:crypto';
      import { createWriteStream } from 'node:fs';
      const hash = createHash('sha256');
      https.get(URL, (res) => {
        res.on('data', (chunk) => hash.update(chunk));
        res.pipe(createWriteStream('data.bin')).on('finish', () => { if (hash.digest('hex') !== SHA256) throw new Error('checksum'); });
      });
    `), 'typescript')).toEqual([]);
    expect(await hits(rule, code(`
      const https = require('https');
      const crypto = require('crypto');
      const fs = require('fs');
      https.get(URL, (res) => res.pipe(fs.createWriteStream('d.bin')).on('finish', () => verify()));
      function verify() { return crypto.createHash('sha256').update(fs.readFileSync('d.bin')).digest('hex') === H; }
    `), 'typescript')).toEqual([]);
    expect(await hits(rule, "import https from 'https';\nhttps.get('https://api.example.org/health', (res) => console.log(res.statusCode));\n", 'typescript')).toEqual([]);
    // A hash made in another function before the request is not this download's.
    expect(await hits(rule, code(`
      import https from 'https';
      import fs from 'fs';
      import { createHash } from 'crypto';
      function other() { return createHash('md5').update('x').digest('hex'); }
      other();
      https.get(URL, (res) => res.pipe(fs.createWriteStream('d.bin')));
    `), 'typescript')).toEqual(['6:https.get']);
  });
  it('Node: flags fetch written to disk with no digest, passes it with one', async () => {
    const download = code(`
      import { createWriteStream } from 'node:fs';
      import { pipeline } from 'node:stream/promises';
      import { Readable } from 'node:stream';
      const res = await fetch('https://example.org/train.csv');
      await pipeline(Readable.fromWeb(res.body), createWriteStream('train.csv'));
    `);
    expect(await hits(rule, download, 'typescript')).toEqual(['4:fetch']);
    expect(await hits(rule, `${download}import { createHash } from 'node:crypto';\ncreateHash('sha256').update(readFileSync('train.csv')).digest('hex');\n`, 'typescript')).toEqual([]);
  });
  it('Python http is not Node\'s', async () => {
    expect(await hits(rule, 'import http\nhttp.get(u)\nopen("x", "w").write("y")\n')).toEqual([]);
  });
});
