import type { BuildOptions, Plugin } from 'esbuild';
export declare const zodEnglishOnly: Plugin;
export declare const esmBanner: { js: string };
export declare const nodeBundle: Pick<BuildOptions, 'bundle' | 'platform' | 'target' | 'plugins'>;
