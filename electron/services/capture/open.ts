/**
 * "Open in Wireshark" when it is installed; otherwise reveal the file in the file manager: first through the
 * freedesktop FileManager1 interface (Dolphin, Nautilus... select the file itself), else `xdg-open` on its
 * folder. Programs are started detached with argv arrays; no shell, no URL built from anything but the path.
 */
import { lstatSync } from 'node:fs';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CaptureInfo } from '../../../shared/model/capture';
import { NotFoundError, UnavailableError } from '../../../shared/ipc/errors';
import { launch, resolveTool, run } from '../runner';

export interface Opened {
  opened: 'wireshark' | 'folder';
  path: string;
}

/** The file to show: the oldest one kept, where the capture (or what is left of it after rotation) begins. */
export function fileToOpen(info: Pick<CaptureInfo, 'id' | 'files'>): string {
  for (const f of info.files) {
    try {
      if (lstatSync(f.path).isFile()) return f.path;
    } catch {
      /* removed by hand: try the next */
    }
  }
  throw new NotFoundError(`capture ${info.id} has no file left to open`);
}

export async function openCapture(
  info: Pick<CaptureInfo, 'id' | 'files'>,
  tools: { resolve?: typeof resolveTool } = {},
): Promise<Opened> {
  const resolve = tools.resolve ?? resolveTool;
  const file = fileToOpen(info);
  if (resolve('wireshark')) {
    await launch(['wireshark', '-r', file]);
    return { opened: 'wireshark', path: file };
  }
  if (resolve('dbus-send')) {
    const shown = await run(
      [
        'dbus-send',
        '--session',
        '--print-reply',
        '--dest=org.freedesktop.FileManager1',
        '/org/freedesktop/FileManager1',
        'org.freedesktop.FileManager1.ShowItems',
        `array:string:${pathToFileURL(file).href}`,
        'string:',
      ],
      { timeoutMs: 3000 },
    ).then(
      () => true,
      () => false,
    );
    if (shown) return { opened: 'folder', path: file };
  }
  if (resolve('xdg-open')) {
    await launch(['xdg-open', dirname(file)]);
    return { opened: 'folder', path: dirname(file) };
  }
  throw new UnavailableError(`neither Wireshark nor a file manager (xdg-open) is available; the capture is ${file}`);
}
