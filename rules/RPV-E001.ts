import { runs } from '../src/check/graph-query.js';
import { shapeRule } from '../src/check/rule-kit.js';

export default shapeRule({
  id: 'RPV-E001',
  title: 'Operating system and runtime versions are recorded',
  category: 'environment',
  severity: 'error',
  weight: 8,
  shape: 'RPV-E001.ttl',
  description: 'Every run (mls:Run) uses a reprov:Environment that records the operating system (schema:operatingSystem) and at least one runtime version (reprov:pythonVersion or reprov:nodeVersion).',
  why: 'Interpreters and operating systems change numerics, default random generators, hash ordering and which library builds install. A rerun on another Python or Node.js version can fail to install, or quietly compute something else.',
  fix: 'Record the run with the environment collector on (`reprov record -- python train.py`, or `startRun()` without `collect: { environment: false }`); when the Python interpreter is not on PATH, name it with `--python PATH`.',
  example: {
    failing: '<urn:r/run> a prov:Activity, mls:Run ; prov:used <urn:r/environment> .\n<urn:r/environment> a prov:Entity, reprov:Environment ; reprov:hostname "gpu-node-07" .',
    passing: '<urn:r/run> a prov:Activity, mls:Run ; prov:used <urn:r/environment> .\n<urn:r/environment> a prov:Entity, reprov:Environment ; reprov:hostname "gpu-node-07" ; schema:operatingSystem "Ubuntu 22.04.4 LTS" ; reprov:kernel "Linux 5.15.0-105-generic" ; reprov:pythonVersion "3.11.9" ; reprov:nodeVersion "20.12.2" .',
  },
}, (input) => (runs(input.store).length ? true : 'the bundle records no run (mls:Run)'));
