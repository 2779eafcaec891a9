// esbuild options every Node bundle shares: scripts/build.mjs and the test harnesses that bundle the helper.

/**
 * zod's index of every locale (`z.locales`) -> scripts/zod-locales.mjs (English only). NovaNet never reads
 * `z.locales`; zod configures English from its own module. The other languages were 358 KB of every bundle, a third
 * of the helper, which node parses at each apply.
 */
export const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    const stub = new URL('./zod-locales.mjs', import.meta.url).pathname;
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes('/node_modules/zod/') ? { path: stub } : undefined,
    );
  },
};

/** ESM bundles still meet CommonJS dependencies (ws) that call require(); give them one. */
export const esmBanner = {
  js: "import { createRequire as __nnCreateRequire } from 'node:module'; const require = __nnCreateRequire(import.meta.url);",
};

/** A bundle for node 20, without the format/entry/output. */
export const nodeBundle = { bundle: true, platform: 'node', target: 'node20', plugins: [zodEnglishOnly] };
