/**
 * For unit tests that call the CLI's `main()` in-process: swallows stdout/stderr writes around each test and hands
 * back what was written, and resets process.exitCode so one test's failure code cannot leak into the next.
 * Call once at the top level of a test file.
 */
import { afterEach, beforeEach, vi, type MockInstance } from 'vitest';

export interface CliOutput {
  stdout(): string;
  stderr(): string;
}

export function captureCliOutput(): CliOutput {
  let out: MockInstance | undefined;
  let err: MockInstance | undefined;
  const text = (spy: MockInstance | undefined) => (spy?.mock.calls ?? []).map((c) => String(c[0])).join('');
  beforeEach(() => {
    out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });
  return { stdout: () => text(out), stderr: () => text(err) };
}
