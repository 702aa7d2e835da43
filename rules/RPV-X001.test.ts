import { describe, expect, it } from 'vitest';
import rule, { secretsRule } from './RPV-X001.js';
import { focuses, runRule } from '../test/support/rules.js';

// Built from parts so that no scanner takes this file for a leak.
const GITHUB = ['gh', 'p_', 'aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6'].join('');
const HF = ['hf', '_', 'aBcDeFgHiJkLmNoPqRsTuVwXyZ01234567'].join('');
const AWS_ID = ['AK', 'IA', 'IOSFODNN7EXAMPLE'].join('');
const KEY = ['-----BEGIN ', 'PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END ', 'PRIVATE KEY-----'].join('');

const messages = async (turtle: string, r = rule) => {
  const outcome = await runRule(r, turtle);
  return outcome.applies ? outcome.findings.map((f) => `${f.focus}: ${f.message}`) : [outcome.reason];
};

describe('RPV-X001 no credentials in the bundle', () => {
  it('flags each node holding a secret, naming the kind and the property but never the secret', async () => {
    const bundle = `<urn:r/command> a reprov:Command ; reprov:commandLine "python train.py --hf-token=${HF}" .\n`
      + `<urn:r/code> a reprov:CodeState ; schema:codeRepository "https://x-access-token:${GITHUB}@github.com/lab/model.git" .\n`
      + `<urn:r/environment/variable/AWS> a reprov:EnvironmentVariable ; reprov:variableName "AWS_ACCESS_KEY_ID" ; prov:value "${AWS_ID}" .`;
    expect(await focuses(rule, bundle)).toEqual(['r:command', 'r:code', 'r:environment/variable/AWS']);
    const found = await messages(bundle);
    expect(found).toEqual([
      'r:command: holds a huggingface-token in reprov:commandLine: revoke the credential and remove it from the bundle',
      'r:code: holds a github-token in schema:codeRepository: revoke the credential and remove it from the bundle',
      'r:environment/variable/AWS: holds an aws-access-key-id in prov:value: revoke the credential and remove it from the bundle',
    ]);
    for (const secret of [HF, GITHUB, AWS_ID]) expect(found.join('\n')).not.toContain(secret);
  });
  it('finds a value secret by a name that is percent-encoded in its node\'s IRI, or upper-case', async () => {
    // `%74oken` is `token`: no secret word shows until the name is decoded.
    expect(await messages('<urn:r/param/%74oken> a mls:HyperParameterSetting ; prov:value "c0ffee-1234" .'))
      .toEqual(['r:param/%74oken: holds a token in prov:value: revoke the credential and remove it from the bundle']);
    expect(await messages('<urn:r/param/HF_TOKEN> a mls:HyperParameterSetting ; prov:value "t0ken-5678" .'))
      .toEqual(['r:param/HF_TOKEN: holds a token in prov:value: revoke the credential and remove it from the bundle']);
  });
  it('gathers the secrets of one node into one finding', async () => {
    const bundle = `<urn:r/command> a reprov:Command ; reprov:commandLine "deploy --password=hunter2x" ; rdfs:label "deploy --password=hunter2x" ; reprov:entryPoint """${KEY}""" .`;
    expect(await messages(bundle)).toEqual(['r:command: holds a password in rdfs:label, reprov:commandLine; a private-key in reprov:entryPoint: revoke the credential and remove it from the bundle']);
  });
  it('finds secrets in IRIs and keeps them out of the focus name', async () => {
    const bundle = `<urn:r/run> prov:used <https://bot:${GITHUB}@github.com/lab/model.git> .\n<https://bot:${GITHUB}@github.com/lab/model.git> a prov:Entity .`;
    const found = await messages(bundle);
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(/^r:run: holds a (github-token|password) in prov:used/);
    expect(found[1]).toMatch(/: holds a github-token in its identifier/);
    expect(found.join('\n')).not.toContain(GITHUB);
  });
  it('redacts a secret the focus name would show', async () => {
    const found = await messages('<urn:r/data/x?access_token=abcdef123456> a prov:Entity .');
    expect(found).toEqual(['r:data/x?access_token=[REDACTED:token]: holds a token in its identifier: revoke the credential and remove it from the bundle']);
  });
  it('names a blank node through what points at it', async () => {
    expect(await focuses(rule, `<urn:r/env> reprov:variable [ reprov:variableName "HF_TOKEN" ; prov:value "${HF}" ] .`)).toEqual(['r:env/variable']);
  });
  it('passes redacted values, placeholders and ordinary text', async () => {
    const bundle = '<urn:r/command> a reprov:Command ; reprov:commandLine "python train.py --hf-token=[REDACTED:token] --max-tokens 512 --pad_token=<pad>" .\n'
      + '<urn:r/code> schema:codeRepository "https://github.com/lab/model.git" ; reprov:commit "3f2c9a1b7e" .\n<urn:r/param/tokenizer> rdfs:label "tokenizer" ; prov:value "bert-base-uncased" .';
    expect(await focuses(rule, bundle)).toEqual([]);
  });
  it('accepts extra patterns from the configuration', async () => {
    const bundle = '<urn:r/command> reprov:commandLine "train --license ACME-1234-5678-9999" .';
    expect(await focuses(rule, bundle)).toEqual([]);
    expect(await messages(bundle, secretsRule([{ kind: 'acme-license', pattern: /ACME-\d{4}-\d{4}-\d{4}/g }]))).toEqual([
      'r:command: holds an acme-license in reprov:commandLine: revoke the credential and remove it from the bundle',
    ]);
    expect(await focuses(secretsRule(['ACME-\\d{4}-\\d{4}-\\d{4}']), bundle)).toEqual(['r:command']);
    expect((await messages(bundle, secretsRule(['ACME-\\d{4}-\\d{4}-\\d{4}']))).join()).not.toContain('ACME-1234');
  });
  it('flags a value whose name says it is secret, as record would redact it (another tool\'s bundle)', async () => {
    const bundle = '<urn:r/param/password> a reprov:Parameter ; rdfs:label "password" ; prov:value "hunter2" .\n'
      + '<urn:r/param/x> rdfs:label "DB_PASSWORD" ; prov:value 12345 .\n'
      + '<urn:r/run> <urn:yprov4ml#hf_token> "abc" .\n'
      + '<urn:r/param/max_tokens> rdfs:label "max_tokens" ; prov:value 512 .\n<urn:r/param/tokenizer> rdfs:label "tokenizer" ; prov:value "gpt2" .\n'
      + '<urn:r/param/author> rdfs:label "author" ; prov:value "alice" .\n<urn:r/param/use_auth_token> rdfs:label "use_auth_token" ; prov:value true .\n'
      + '<urn:r/param/api_key> rdfs:label "api_key" ; prov:value "[REDACTED:key]" .';
    const found = await messages(bundle);
    expect(found).toEqual([
      'r:param/password: holds a password in prov:value: revoke the credential and remove it from the bundle',
      'r:param/x: holds a password in prov:value: revoke the credential and remove it from the bundle',
      'r:run: holds a token in urn:yprov4ml#hf_token: revoke the credential and remove it from the bundle',
    ]);
    expect(found.join('\n')).not.toContain('hunter2');
  });
  it('finds values secret by their name among many statements, in the order of the nodes, not of the predicates', async () => {
    const clean = Array.from({ length: 200 }, (_, i) => `<urn:r/m${i}> a prov:Entity ; rdfs:label "metric ${i}" ; prov:value ${i} ; prov:wasGeneratedBy <urn:r/run> .`).join('\n');
    const bundle = `<urn:r/a> rdfs:label "api_key" .\n<urn:r/b> <urn:x#db_password> "s3cret1" .\n${clean}\n<urn:r/a> prov:value "abcdef" .`;
    expect(await focuses(rule, bundle)).toEqual(['r:a', 'r:b']);
    expect(await focuses(rule, clean)).toEqual([]);
  });
  it('flags what record redacts in text: flag values, URL user parts, query signatures, Authorization headers', async () => {
    const bundle = '<urn:r/command> reprov:commandLine "train.sh --token abc123 --lr 1" .\n'
      + '<urn:r/code> schema:codeRepository "https://abcdefTOKEN@github.com/o/r.git" .\n'
      + '<urn:r/data> prov:atLocation "https://s3.example.org/b/k?X-Amz-Signature=deadbeef" .\n'
      + '<urn:r/env> prov:value "{\\"Authorization\\": \\"Bearer abcdefghij\\"}" .';
    expect(await messages(bundle)).toEqual([
      'r:command: holds a token in reprov:commandLine: revoke the credential and remove it from the bundle',
      'r:code: holds a token in schema:codeRepository: revoke the credential and remove it from the bundle',
      'r:data: holds a signature in prov:atLocation: revoke the credential and remove it from the bundle',
      'r:env: holds an authorization in prov:value: revoke the credential and remove it from the bundle',
    ]);
  });
  it('applies to every bundle, even an empty one', async () => {
    expect(await runRule(rule, '')).toEqual({ applies: true, findings: [] });
  });
});
