#!/usr/bin/env node
// Builds everything the app, the CLI and web mode run from: Node bundles with esbuild, the renderer with Vite.
// Runs on `npm ci` (prepare), `npm start`, and before the tests.
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { build as viteBuild } from 'vite';
import { esmBanner, nodeBundle } from './esbuild-options.mjs';

const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
const only = process.argv.includes('--node-only') ? 'node' : process.argv.includes('--renderer-only') ? 'renderer' : 'all';
const started = performance.now();

const common = {
  ...nodeBundle,
  sourcemap: true,
  logLevel: 'warning',
  define: { __NOVANET_VERSION__: JSON.stringify(pkg.version) },
};

if (only !== 'renderer') {
  await Promise.all([
    build({ ...common, format: 'esm', entryPoints: { novanet: 'electron/cli/entry.ts' }, outdir: 'out/cli', outExtension: { '.js': '.mjs' }, banner: esmBanner }),
    build({ ...common, format: 'esm', entryPoints: { index: 'electron/main/index.ts' }, outdir: 'out/main', outExtension: { '.js': '.mjs' }, external: ['electron'], banner: esmBanner }),
    build({ ...common, format: 'esm', entryPoints: { 'novanet-helper': 'helpers/novanet-helper.ts' }, outdir: 'out/helper', outExtension: { '.js': '.mjs' }, banner: esmBanner }),
    // Sandboxed preloads must be CommonJS and may require only 'electron'.
    build({ ...common, format: 'cjs', platform: 'browser', entryPoints: { index: 'electron/preload/index.ts' }, outdir: 'out/preload', outExtension: { '.js': '.cjs' }, external: ['electron'] }),
  ]);
}
if (only !== 'node') {
  await viteBuild({ configFile: new URL('../vite.config.ts', import.meta.url).pathname, logLevel: 'warn' });
}
console.log(`novanet: built ${only} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
