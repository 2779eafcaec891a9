/**
 * `novanet`: the command line over the same services as the app. Exit codes: 0 ok, 1 failed, 2 bad arguments,
 * 3 target not found.
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NotFoundError, ValidationError } from '../../shared/ipc/errors';
import { buildGraph } from '../../shared/topology/build-graph';
import { discover } from '../services/discovery/index';
import { createServices } from '../services/api';
import { DEFAULT_LAB, labDown, labStatus, labUp } from '../services/lab';
import { VERSION } from '../services/version';
import { startWebServer } from '../server/index';
import { addTargetOptions, targetFrom } from './target-options';
import { formatTopology } from './format';
import { addSpecCommands } from './spec-commands';
import { addCaptureCommands } from './capture-commands';
import { addStatsCommand } from './stats-command';
import { addLeasesCommand } from './leases-command';

export const EXIT = { ok: 0, failed: 1, usage: 2, notFound: 3, rolledBack: 4 } as const;

function port(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number 0-65535');
  return n;
}

function rendererDir(): string {
  // Bundled as out/cli/novanet.mjs, next to out/renderer.
  return process.env.NOVANET_RENDERER_DIR ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'renderer');
}

export function buildProgram(): Command {
  const program = new Command('novanet')
    .description('NovaNet: virtual networking for Linux/KVM workstations')
    .version(VERSION)
    .showHelpAfterError('(run novanet --help for usage)')
    .exitOverride();

  addTargetOptions(program.command('topology').description('print the host state and topology graph of a target'))
    .option('--json', 'print { state, graph } as JSON')
    .action(async (opts) => {
      const state = await discover(targetFrom(opts));
      const graph = buildGraph(state);
      process.stdout.write(opts.json ? `${JSON.stringify({ state, graph }, null, 2)}\n` : `${formatTopology(state, graph)}\n`);
    });

  addTargetOptions(program.command('serve').description('serve the app in a browser (web mode)'))
    .option('--lab', 'look at the lab (started if it is not up)')
    .option('--lab-name <name>', 'lab name', DEFAULT_LAB)
    .option('--port <n>', 'TCP port (default: any free port)', port, 0)
    .option('--host <addr>', 'address to bind', '127.0.0.1')
    .action(async (opts) => {
      let target = targetFrom(opts);
      await assertTargetExists(target);
      let startedLab = false;
      if (opts.lab) {
        let info = await labStatus(opts.labName);
        if (!info) {
          info = await labUp(opts.labName);
          startedLab = true;
        }
        // The lab's namespaces, plus the libvirt connection when one is named (libvirt is not namespaced).
        target = { ...info.target, ...(target.libvirtUri ? { libvirtUri: target.libvirtUri } : {}) };
      }
      const services = createServices({ transport: 'web', defaultTarget: target, lab: !!opts.lab, labName: opts.labName });
      const web = await startWebServer({ services, rendererDir: rendererDir(), host: opts.host, port: opts.port });
      if (opts.host !== '127.0.0.1' && opts.host !== '::1' && opts.host !== 'localhost') {
        process.stderr.write(`warning: listening on ${opts.host}; anyone who can reach it and has the token can see this host\n`);
      }
      process.stdout.write(`NovaNet is serving ${opts.lab ? `lab ${opts.labName}` : 'this host'} at\n  ${web.url}\n`);
      const stop = async () => {
        services.close();
        await web.close();
        if (startedLab) await labDown(opts.labName).catch(() => undefined);
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });

  addSpecCommands(program);
  addCaptureCommands(program);
  addStatsCommand(program);
  addLeasesCommand(program);

  const lab = program.command('lab').description('a sandbox workstation in network namespaces (needs root)');
  lab
    .command('up')
    .option('--name <name>', 'lab name', DEFAULT_LAB)
    .option('--json', 'print the lab as JSON')
    .action(async (opts) => {
      const info = await labUp(opts.name);
      process.stdout.write(
        opts.json
          ? `${JSON.stringify(info, null, 2)}\n`
          : `Lab ${info.name} is up: namespaces ${info.namespaces.join(', ')}\nOpen vSwitch: ${info.ovs.running ? `running (${info.target.ovsDb})` : info.ovs.reason}\nTry: novanet topology --netns ${info.name}${info.target.ovsDb ? ` --ovs-db ${info.target.ovsDb}` : ''}\n`,
      );
    });
  lab
    .command('down')
    .option('--name <name>', 'lab name', DEFAULT_LAB)
    .action(async (opts) => {
      const { removed } = await labDown(opts.name);
      process.stdout.write(removed.length ? `Removed ${removed.join(', ')}\n` : `No lab named ${opts.name} was up\n`);
    });
  lab
    .command('status')
    .option('--name <name>', 'lab name', DEFAULT_LAB)
    .action(async (opts) => {
      const info = await labStatus(opts.name);
      process.stdout.write(info ? `${JSON.stringify(info, null, 2)}\n` : `No lab named ${opts.name} is up\n`);
      if (!info) process.exitCode = EXIT.notFound;
    });
  return program;
}

/** A namespace that does not exist is refused before anything is served or printed. */
async function assertTargetExists(target: { netns?: string }): Promise<void> {
  if (target.netns && !existsSync(join('/run/netns', target.netns))) {
    throw new NotFoundError(`network namespace "${target.netns}" does not exist`);
  }
}

export function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (err instanceof ValidationError) return EXIT.usage;
  if (err instanceof NotFoundError) return EXIT.notFound;
  return EXIT.failed;
}

export async function main(argv: string[]): Promise<number> {
  process.exitCode = undefined;
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (err) {
    const code = exitCodeFor(err);
    // Commander already printed its own usage errors and help.
    if (!(err instanceof CommanderError)) {
      process.stderr.write(`novanet: ${err instanceof Error ? err.message : String(err)}\n`);
    }
    return code;
  }
}
