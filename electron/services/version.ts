/** Replaced at build time by esbuild's `define`; the fallback keeps tests and tsx runs working. */
declare const __NOVANET_VERSION__: string | undefined;
export const VERSION: string = typeof __NOVANET_VERSION__ === 'string' ? __NOVANET_VERSION__ : '0.1.0-dev';
