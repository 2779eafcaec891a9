#!/usr/bin/env node
// Thin launcher: the CLI is bundled into out/ by `npm run build` (run automatically by `npm ci`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../out/cli/novanet.mjs', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('novanet: not built yet; run `npm run build` first\n');
  process.exit(1);
}
await import(entry.href);
