#!/usr/bin/env node
/**
 * The `reprov` command as installed (package.json's bin; copied to dist/cli/reprov.cjs by
 * tools/bundle-cli.mjs): the bundled CLI's chunks, compiled with their code cache (code-cache.cjs).
 */
'use strict';
require('./code-cache.cjs');
require('./main.cjs');
