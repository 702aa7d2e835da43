import { runs } from '../src/check/graph-query.js';
import { shapeRule } from '../src/check/rule-kit.js';
import { reprov } from '../src/prov/vocabulary.js';

export default shapeRule({
  id: 'RPV-E002',
  title: 'A container run records its image digest',
  category: 'environment',
  severity: 'warning',
  weight: 4,
  shape: 'RPV-E002.ttl',
  description: 'An environment that ran in a container (reprov:containerRuntime) records the digest of the image (reprov:containerImageDigest), not only its name and tag. Runs outside containers are not checked.',
  why: 'A tag such as `pytorch:latest` or `train:v3` is a movable pointer: the image behind it is rebuilt and pushed again. Only the digest (`sha256:…`) names the exact operating system, libraries and drivers the run had.',
  fix: 'Pass the digest into the container as `CONTAINER_IMAGE_DIGEST` (for example `docker run -e CONTAINER_IMAGE_DIGEST=$(docker inspect --format "{{index .RepoDigests 0}}" IMAGE) …`), or name the image by digest in `CONTAINER_IMAGE` (`ghcr.io/org/train@sha256:…`); reprov records it.',
  example: {
    failing: '<urn:r/run> a prov:Activity, mls:Run ; prov:used <urn:r/environment> .\n<urn:r/environment> a prov:Entity, reprov:Environment ; schema:operatingSystem "Debian GNU/Linux 12" ; reprov:pythonVersion "3.11.9" ; reprov:containerRuntime "docker" ; reprov:containerImage "ghcr.io/org/train:v3" .',
    passing: '<urn:r/run> a prov:Activity, mls:Run ; prov:used <urn:r/environment> .\n<urn:r/environment> a prov:Entity, reprov:Environment ; schema:operatingSystem "Debian GNU/Linux 12" ; reprov:pythonVersion "3.11.9" ; reprov:containerRuntime "docker" ; reprov:containerImage "ghcr.io/org/train:v3" ; reprov:containerImageDigest "sha256:4c1e3b0f9a8d7e6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4" .',
  },
}, (input) => {
  if (!runs(input.store).length) return 'the bundle records no run (mls:Run)';
  return input.store.getSubjects(reprov.containerRuntime, null, null).length ? true : 'the run did not run in a container (no reprov:containerRuntime)';
});
