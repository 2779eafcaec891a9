/**
 * Finds what the test VM needs on this machine (Debian's kernel, qemu, a static busybox) and builds the cached
 * boot artifacts: the uncompressed vmlinux (booted directly via PVH, which saves ~6 s of in-guest
 * decompression under TCG) and a hand-made newc initramfs holding busybox, the 9p modules and /init.
 */
import { execa } from 'execa';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, delimiter, dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { AGENT_SCRIPT, INIT_SCRIPT } from './guest-init';
import { writeCpio, type CpioEntry } from './cpio';

/** Modules the initramfs must carry: root is not mounted yet, so modprobe cannot find them. */
const INITRAMFS_MODULES = ['virtio_pci', '9pnet_virtio', '9p'];
const BUSYBOX_CANDIDATES = ['/bin/busybox', '/usr/bin/busybox', '/sbin/busybox', '/usr/sbin/busybox'];
/** Debian package of each decompressor the kernel image or its modules may need. */
const DECOMPRESSORS = { xz: ['xz', 'xz-utils'], zst: ['zstd', 'zstd'] } as const;
const EXTRA_DIRS = ['/usr/sbin', '/sbin', '/usr/bin', '/bin', '/usr/local/bin'];

export interface VmHost {
  qemu: string;
  busybox: string;
  kernelVersion: string;
  kernelImage: string;
  modulesDir: string;
  /** The kernel can boot an uncompressed vmlinux via its PVH entry point. */
  pvh: boolean;
}

export interface VmArtifacts {
  kernelVersion: string;
  /** What qemu's -kernel gets: the extracted vmlinux, or the bzImage when the kernel has no PVH entry. */
  kernel: string;
  initramfs: string;
  /** True when this call had to build something (false: everything came from the cache). */
  built: boolean;
}

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.NOVANET_VM_CACHE || join(homedir(), '.cache', 'novanet', 'vm');
}

function findExecutable(name: string, env: NodeJS.ProcessEnv): string | null {
  const dirs = [...(env.PATH ?? '').split(delimiter).filter(Boolean), ...EXTRA_DIRS];
  for (const dir of dirs) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      /* next directory */
    }
  }
  return null;
}

/** A dynamically linked busybox cannot run in an initramfs that has no libc: look for a PT_INTERP header. */
export function isStaticElf(path: string): boolean {
  let head: Buffer;
  try {
    head = readFileSync(path).subarray(0, 64 * 1024);
  } catch {
    return false;
  }
  if (head.length < 64 || head.readUInt32BE(0) !== 0x7f454c46 || head[4] !== 2) return false;
  const phoff = Number(head.readBigUInt64LE(0x20));
  const phentsize = head.readUInt16LE(0x36);
  const phnum = head.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (at + 4 > head.length) return false;
    if (head.readUInt32LE(at) === 3) return false;
  }
  return true;
}

interface ModuleIndex {
  deps: Map<string, { path: string; deps: string[] }>;
  builtin: Set<string>;
}

const moduleName = (p: string) =>
  basename(p)
    .replace(/\.ko(\.(xz|zst|gz))?$/, '')
    .replace(/-/g, '_');

function readModuleIndex(modulesDir: string): ModuleIndex {
  const deps = new Map<string, { path: string; deps: string[] }>();
  for (const line of readFileSync(join(modulesDir, 'modules.dep'), 'utf8').split('\n')) {
    const [path, rest] = line.split(':');
    if (!path || rest === undefined) continue;
    deps.set(moduleName(path), { path, deps: rest.trim().split(/\s+/).filter(Boolean).map(moduleName) });
  }
  let builtin = new Set<string>();
  try {
    builtin = new Set(readFileSync(join(modulesDir, 'modules.builtin'), 'utf8').split('\n').map(moduleName));
  } catch {
    /* no builtin list: treat nothing as builtin */
  }
  return { deps, builtin };
}

/** Modules to insmod, dependencies first; throws naming the first module the kernel lacks. */
export function initramfsModules(modulesDir: string): { name: string; path: string }[] {
  const index = readModuleIndex(modulesDir);
  const order: { name: string; path: string }[] = [];
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const entry = index.deps.get(name);
    if (!entry) {
      if (index.builtin.has(name)) return;
      throw new Error(`module ${name} not found in ${modulesDir}`);
    }
    entry.deps.forEach(visit);
    order.push({ name, path: join(modulesDir, entry.path) });
  };
  INITRAMFS_MODULES.forEach(visit);
  return order;
}

function findKernel(env: NodeJS.ProcessEnv): Pick<VmHost, 'kernelVersion' | 'kernelImage' | 'modulesDir'> | string {
  const pkg = 'install the Debian package linux-image-amd64';
  if (env.NOVANET_VM_KERNEL) {
    const image = env.NOVANET_VM_KERNEL;
    const version = env.NOVANET_VM_KERNEL_VERSION || basename(image).replace(/^vmlinu[xz]-/, '');
    if (!existsSync(image)) return `kernel image ${image} (NOVANET_VM_KERNEL) does not exist: ${pkg}`;
    return { kernelVersion: version, kernelImage: image, modulesDir: `/lib/modules/${version}` };
  }
  let images: string[] = [];
  try {
    images = readdirSync('/boot').filter((f) => f.startsWith('vmlinuz-'));
  } catch {
    /* no /boot */
  }
  const versions = images
    .map((f) => f.slice('vmlinuz-'.length))
    .filter((v) => existsSync(`/lib/modules/${v}/modules.dep`))
    .sort((a, b) => b.localeCompare(a, 'en', { numeric: true }));
  if (versions.length === 0) return `no kernel image /boot/vmlinuz-* with modules in /lib/modules: ${pkg}`;
  const with9p = versions.find((v) => {
    try {
      initramfsModules(`/lib/modules/${v}`);
      return true;
    } catch {
      return false;
    }
  });
  if (!with9p) return `kernel ${versions[0]} has no 9p/virtio modules (the cloud kernel lacks 9p): ${pkg}`;
  return { kernelVersion: with9p, kernelImage: `/boot/vmlinuz-${with9p}`, modulesDir: `/lib/modules/${with9p}` };
}

/** Everything the harness needs from the machine, or a one-line reason naming the Debian package to install. */
export function probeVmHost(env: NodeJS.ProcessEnv = process.env): VmHost | string {
  const qemu = env.NOVANET_QEMU || findExecutable('qemu-system-x86_64', env);
  if (!qemu || !existsSync(qemu)) return 'qemu-system-x86_64 not found: install the Debian package qemu-system-x86';
  const kernel = findKernel(env);
  if (typeof kernel === 'string') return kernel;
  const candidates = env.NOVANET_VM_BUSYBOX ? [env.NOVANET_VM_BUSYBOX] : BUSYBOX_CANDIDATES;
  const busybox = candidates.find(isStaticElf);
  if (!busybox) {
    return 'no statically linked busybox found: install the Debian package busybox-static (the busybox package replaces it with a dynamic one)';
  }
  let config = '';
  try {
    config = readFileSync(`/boot/config-${kernel.kernelVersion}`, 'utf8');
  } catch {
    /* no config to read: try PVH (qemu says so if the ELF note is missing) and find the payload by its magic */
  }
  const pvh = !config || /^CONFIG_PVH=y$/m.test(config);
  const modulesCompressed = readFileSync(join(kernel.modulesDir, 'modules.dep'), 'utf8').match(/\.ko\.(xz|zst)\b/)?.[1];
  for (const kind of ['xz', 'zst'] as const) {
    const [tool, pkg] = DECOMPRESSORS[kind];
    const needed =
      (pvh && new RegExp(`^CONFIG_KERNEL_${kind === 'xz' ? 'XZ' : 'ZSTD'}=y$`, 'm').test(config)) ||
      modulesCompressed === kind;
    if (needed && !findExecutable(tool, env))
      return `${tool} not found (needed to unpack the kernel): install the Debian package ${pkg}`;
  }
  return { qemu, busybox, pvh, ...kernel };
}

export function vmUnavailableReason(env: NodeJS.ProcessEnv = process.env): string | null {
  const host = probeVmHost(env);
  return typeof host === 'string' ? host : null;
}

async function decompress(kind: 'xz' | 'zst' | 'gz', data: Buffer): Promise<Buffer> {
  if (kind === 'gz') return gunzipSync(data);
  // --single-stream: the bzImage has trailing data after the payload, which xz would otherwise call corrupt.
  // (busybox's xzcat cannot stand in: it lacks the x86 BCJ filter the kernel's payload uses.)
  const [file, args] = kind === 'xz' ? ['xz', ['-dc', '--single-stream']] : ['zstd', ['-dcq']];
  const r = await execa(file, args, { input: data, encoding: 'buffer', reject: false, maxBuffer: 1 << 30 });
  return Buffer.from(r.stdout);
}

const ELF = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);
const PAYLOAD_MAGIC: [kind: 'xz' | 'zst' | 'gz', magic: Buffer][] = [
  ['xz', Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])],
  ['zst', Buffer.from([0x28, 0xb5, 0x2f, 0xfd])],
  ['gz', Buffer.from([0x1f, 0x8b, 0x08])],
];

/** Same idea as the kernel's scripts/extract-vmlinux: try each compressed payload until one yields an ELF. */
export async function extractVmlinux(image: Buffer): Promise<Buffer> {
  if (image.subarray(0, 4).equals(ELF)) return image;
  for (const [kind, magic] of PAYLOAD_MAGIC) {
    for (let at = image.indexOf(magic); at >= 0; at = image.indexOf(magic, at + 1)) {
      const out = await decompress(kind, image.subarray(at)).catch(() => Buffer.alloc(0));
      if (out.subarray(0, 4).equals(ELF)) return out;
    }
  }
  throw new Error('could not find a compressed vmlinux (xz, zstd or gzip) inside the kernel image');
}

async function moduleBytes(path: string): Promise<Buffer> {
  const data = await readFile(path);
  if (path.endsWith('.xz')) return decompress('xz', data);
  if (path.endsWith('.zst')) return decompress('zst', data);
  if (path.endsWith('.gz')) return decompress('gz', data);
  return data;
}

function readIfExists(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

async function writeAtomic(path: string, data: Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

/** Builds (once) and returns the cached vmlinux and initramfs; later runs only stat the files. */
export async function ensureArtifacts(env: NodeJS.ProcessEnv = process.env): Promise<VmArtifacts> {
  const host = probeVmHost(env);
  if (typeof host === 'string') throw new Error(host);
  const dir = join(cacheDir(env), host.kernelVersion);
  const image = statSync(host.kernelImage);
  const modules = initramfsModules(host.modulesDir);
  const bb = statSync(host.busybox);
  const key = createHash('sha256')
    .update(JSON.stringify([INIT_SCRIPT, AGENT_SCRIPT, modules, bb.size, bb.mtimeMs]))
    .digest('hex')
    .slice(0, 16);
  const initramfs = join(dir, `initramfs-${key}.cpio`);
  const vmlinux = join(dir, 'vmlinux');
  const stamp = join(dir, 'vmlinux.source');
  const source = `${host.kernelImage} ${image.size} ${image.mtimeMs}`;
  let built = false;

  if (host.pvh && !(existsSync(vmlinux) && readIfExists(stamp) === source)) {
    await writeAtomic(vmlinux, await extractVmlinux(await readFile(host.kernelImage)));
    await writeAtomic(stamp, Buffer.from(source));
    built = true;
  }
  if (!existsSync(initramfs)) {
    const entries: CpioEntry[] = [
      { name: 'bin', mode: 0o40755 },
      { name: 'dev', mode: 0o40755 },
      { name: 'dev/console', mode: 0o20600, rdev: [5, 1] },
      { name: 'proc', mode: 0o40755 },
      { name: 'sys', mode: 0o40755 },
      { name: 'newroot', mode: 0o40755 },
      { name: 'modules', mode: 0o40755 },
      { name: 'bin/busybox', mode: 0o100755, data: await readFile(host.busybox) },
      { name: 'init', mode: 0o100755, data: Buffer.from(INIT_SCRIPT) },
      { name: 'agent.sh', mode: 0o100644, data: Buffer.from(AGENT_SCRIPT) },
      { name: 'modules.order', mode: 0o100644, data: Buffer.from(modules.map((m) => m.name).join('\n') + '\n') },
    ];
    for (const m of modules) {
      entries.push({ name: `modules/${m.name}.ko`, mode: 0o100644, data: await moduleBytes(m.path) });
    }
    await writeAtomic(initramfs, writeCpio(entries));
    built = true;
    // Older builds for this kernel are dead weight once the scripts changed.
    for (const f of readdirSync(dir)) {
      if (/^initramfs-[0-9a-f]+\.cpio$/.test(f) && join(dir, f) !== initramfs) await rm(join(dir, f), { force: true });
    }
  }
  return { kernelVersion: host.kernelVersion, kernel: host.pvh ? vmlinux : host.kernelImage, initramfs, built };
}
