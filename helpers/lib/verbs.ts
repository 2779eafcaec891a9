import { basename } from 'node:path';

/** Which verbs an installed name may run; the bundle run directly by root (development, tests) may run all. */
export function verbsFor(path: string): string[] {
  const name = basename(path);
  if (name === 'novanet-capture-helper') return ['capture'];
  if (name === 'novanet-helper') return ['apply', 'recover'];
  return ['apply', 'recover', 'capture'];
}
