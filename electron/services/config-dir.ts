import { homedir } from 'node:os';
import { join } from 'node:path';

/** The user's NovaNet directory (history, audit log): $XDG_CONFIG_HOME/novanet, overridable for tests. */
export function configDir(): string {
  return process.env.NOVANET_CONFIG_DIR ?? join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'novanet');
}
