/**
 * Suite gates. A suite whose system tools are missing is skipped with a message naming the exact Debian packages;
 * with NOVANET_STRICT=1 (set by .ci/run) that skip is a failure instead. Missing *kernel features* are the one
 * skip strict mode accepts: no package can add them to this kernel.
 */
import { resolveTool, toolPackages } from '../../electron/services/runner';

export const STRICT = process.env.NOVANET_STRICT === '1';

export interface Requirements {
  tools?: string[];
  root?: boolean;
  files?: { path: string; pkg: string }[];
}

import { existsSync } from 'node:fs';

export function missingRequirements(req: Requirements): string | null {
  const reasons: string[] = [];
  const pkgs = new Set<string>();
  for (const tool of req.tools ?? []) {
    if (!resolveTool(tool)) {
      reasons.push(tool);
      pkgs.add(toolPackages[tool] ?? tool);
    }
  }
  for (const f of req.files ?? []) {
    if (!existsSync(f.path)) {
      reasons.push(f.path);
      pkgs.add(f.pkg);
    }
  }
  if (req.root && process.getuid?.() !== 0) return 'needs root (network namespaces); run the tests as root';
  if (reasons.length === 0) return null;
  return `missing ${reasons.join(', ')}: apt-get install ${[...pkgs].join(' ')}`;
}

/** Returns true when the suite must be skipped; throws in strict mode so CI fails loudly. */
export function skipSuite(name: string, req: Requirements): boolean {
  const why = missingRequirements(req);
  if (!why) return false;
  if (STRICT) throw new Error(`strict mode: suite "${name}" cannot run: ${why}`);
  console.warn(`SKIPPED suite "${name}": ${why}`);
  return true;
}

/** A kernel feature this machine lacks: a named skip, accepted in strict mode. */
export function kernelLacks(feature: string, detail?: string): string {
  const msg = `kernel lacks ${feature}${detail ? ` (${detail})` : ''}; proven in the full-kernel VM suite (npm run test:vm)`;
  console.warn(`SKIPPED: ${msg}`);
  return msg;
}
