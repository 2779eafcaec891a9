// Stands in for zod's index of every locale in the esbuild bundles (see zodEnglishOnly in esbuild-options.mjs;
// Rollup already drops the unused locales from the renderer).
export { default as en } from 'zod/v4/locales/en.js';
