/**
 * One running capture on this side: the helper (through pkexec, or directly as root) runs tcpdump and hands us
 * its pcap stream on stdout; we split it into records, write the files as the user, feed the live list, enforce
 * the duration (by saying "stop"), and keep the capture's record on disk up to date.
 */
import type { CaptureInfo, CapturePackets, CaptureProgress } from '../../../shared/model/capture';
import { NovanetError, PermissionError, ValidationError } from '../../../shared/ipc/errors';
import type { CaptureRequest, HelperEvent } from '../../../shared/plan/helper-protocol';
import { converseBinary, type BinaryConversation } from '../runner';
import { helperCommand } from '../apply';
import { PcapStreamParser, readRecordHeader, recordTime, RECORD_HEADER_LEN, type RecordBatch } from './pcap';
import { RotatingWriter } from './rotate';
import { decodePacket } from './decode';
import { LiveList } from './live';
import { processStart, saveRecord, type StoredCapture } from './store';

/** Everything checked and resolved before a capture starts (see preflight.ts). */
export interface CapturePlan {
  id: string;
  owner: 'app' | 'cli';
  target: { netns?: string };
  interface: string;
  nodeId?: string;
  filter: string;
  snaplen: number;
  count?: number;
  durationSeconds?: number;
  rotateSizeMb?: number;
  rotateCount?: number;
  /** Absolute, checked by checkOutputPath. */
  output: string;
}

export interface SessionListeners {
  progress?: (p: CaptureProgress) => void;
  packets?: (p: CapturePackets) => void;
}

const PROGRESS_MS = 500;
const SAVE_MS = 1000;

export class CaptureSession {
  info: StoredCapture;
  /** Resolves once tcpdump listens; rejects (ValidationError for a refused filter) if it never does. */
  readonly started: Promise<void>;
  /** Resolves with the final record once the helper has ended and the files are closed. */
  readonly ended: Promise<CaptureInfo>;

  private convo: BinaryConversation;
  private parser = new PcapStreamParser();
  private writer: RotatingWriter | undefined;
  private live: LiveList | undefined;
  private stopReason: 'duration' | 'stopped' | 'error' | undefined;
  private failure: string | undefined;
  private helperError: string | undefined;
  private rawStderr: string[] = [];
  private textOut: string | undefined;
  private timers: NodeJS.Timeout[] = [];
  private dirty = true;
  private markStarted!: () => void;
  private failStart!: (e: Error) => void;
  private t0 = Date.now();

  constructor(
    readonly plan: CapturePlan,
    private readonly listeners: SessionListeners = {},
  ) {
    const { id, owner, target, output } = plan;
    this.info = {
      id,
      owner,
      state: 'starting',
      target,
      interface: plan.interface,
      ...(plan.nodeId ? { nodeId: plan.nodeId } : {}),
      filter: plan.filter,
      snaplen: plan.snaplen,
      ...(plan.count !== undefined ? { count: plan.count } : {}),
      ...(plan.durationSeconds !== undefined ? { durationSeconds: plan.durationSeconds } : {}),
      ...(plan.rotateSizeMb !== undefined ? { rotateSizeMb: plan.rotateSizeMb } : {}),
      ...(plan.rotateCount !== undefined ? { rotateCount: plan.rotateCount } : {}),
      output,
      files: [],
      startedAt: new Date().toISOString(),
      durationMs: 0,
      packets: 0,
      bytes: 0,
      pid: process.pid,
      ...(processStart(process.pid) ? { procStart: processStart(process.pid) } : {}),
    };
    this.started = new Promise<void>((resolve, reject) => {
      this.markStarted = resolve;
      this.failStart = reject;
    });
    // Nobody may be waiting for `started` (a detached run); its rejection is reported through the record.
    this.started.catch(() => undefined);
    if (listeners.packets) this.live = new LiveList((packets, more) => listeners.packets?.({ id, packets, more }));
    this.save();

    const req: CaptureRequest = {
      verb: 'capture',
      target: target.netns ? { netns: target.netns } : {},
      interface: plan.interface,
      filter: plan.filter,
      snaplen: plan.snaplen,
      ...(plan.count !== undefined ? { count: plan.count } : {}),
    };
    const helper = helperCommand('capture');
    // Run directly (root), the helper gets its own session so a terminal's Ctrl-C does not kill it before it
    // reports tcpdump's counters; through pkexec it must keep the terminal for the password prompt.
    this.convo = converseBinary(
      helper,
      (chunk) => this.onData(chunk),
      (line) => this.onLine(line),
      { ownSession: helper[0] !== 'pkexec' },
    );
    // stdin stays open: closing it (or "stop") is how the helper is told to end.
    this.convo.send(JSON.stringify(req));
    this.ended = this.convo.exited.then((code) => this.finish(code));
  }

  get id(): string {
    return this.plan.id;
  }

  private onData(chunk: Buffer): void {
    if (this.failure) return;
    // The helper reports a refused request (bad JSON, a verb its name does not allow) on stdout, before any pcap.
    if (this.textOut !== undefined || (!this.parser.header && this.parser.leftover === 0 && chunk[0] === 0x7b)) {
      this.textOut = (this.textOut ?? '') + chunk.toString('utf8');
      const lines = this.textOut.split('\n');
      this.textOut = lines.pop() ?? '';
      for (const l of lines) if (l.trim()) this.onLine(l);
      return;
    }
    try {
      const batch = this.parser.push(chunk);
      if (!this.writer && this.parser.header) {
        const { rotateSizeMb, rotateCount } = this.plan;
        this.writer = new RotatingWriter(this.plan.output, this.parser.header.raw, {
          ...(rotateSizeMb !== undefined ? { maxBytes: rotateSizeMb * 1_000_000 } : {}),
          ...(rotateCount !== undefined ? { maxFiles: rotateCount } : {}),
        });
        this.info.linkType = this.parser.header.linkType;
        this.running();
      }
      if (batch.offsets.length < 2 || !this.writer) return;
      const before = this.writer.packets;
      this.writer.write(batch);
      this.feedLive(batch, before);
      this.dirty = true;
    } catch (err) {
      // Disk full, a file in the way, a corrupt stream: stop cleanly, keeping what was written.
      this.failure = `writing the capture failed: ${(err as Error).message}`;
      this.stop('error');
    }
  }

  private feedLive(batch: RecordBatch, before: number): void {
    const live = this.live;
    const h = this.parser.header;
    if (!live || !h) return;
    const n = batch.offsets.length - 1;
    for (let i = 0; i < n; i++) {
      if (live.full) {
        live.skip(n - i);
        return;
      }
      const off = batch.offsets[i] as number;
      const r = readRecordHeader(h, batch.data, off);
      const data = batch.data.subarray(off + RECORD_HEADER_LEN, off + RECORD_HEADER_LEN + r.capLen);
      live.add(decodePacket(h.linkType, data, { no: before + i + 1, time: recordTime(h, r), length: r.origLen }));
    }
  }

  private onLine(line: string): void {
    let e: HelperEvent;
    try {
      e = JSON.parse(line) as HelperEvent;
    } catch {
      // pkexec and the shell-less world around it speak plain text: keep it for the error message.
      if (this.rawStderr.length < 20) this.rawStderr.push(line.trim());
      return;
    }
    if (e.type === 'capture-started') {
      this.running();
    } else if (e.type === 'capture-ended') {
      Object.assign(this.info, { captured: e.captured, received: e.received, dropped: e.dropped });
    } else if (e.type === 'error') {
      this.helperError = e.message;
    }
  }

  /**
   * tcpdump listens: the helper says so (capture-started), or the pcap header arrives, which tcpdump writes only
   * once the capture is active and filtered. The header alone is enough because the helper can miss tcpdump's
   * "listening on" line when it arrives split over several writes.
   */
  private running(): void {
    if (this.info.state !== 'starting' || this.stopReason) return;
    this.t0 = Date.now();
    this.info.startedAt = new Date().toISOString();
    this.setState('running');
    if (this.plan.durationSeconds !== undefined)
      this.timers.push(setTimeout(() => this.stop('duration'), this.plan.durationSeconds * 1000));
    this.timers.push(setInterval(() => this.tick(), PROGRESS_MS));
    this.markStarted();
  }

  private tick(): void {
    this.syncCounters();
    this.emitProgress();
    // Other processes (`capture list`) read the record: keep it fresh, but not at the packet rate.
    if (this.dirty && Date.now() - this.lastSave >= SAVE_MS) this.save();
  }

  private lastSave = 0;

  private save(): void {
    this.lastSave = Date.now();
    this.dirty = false;
    try {
      saveRecord(this.info);
    } catch (err) {
      // The record is for listing; failing to write it must not stop the capture itself.
      this.rawStderr.push(`cannot save the capture record: ${(err as Error).message}`);
    }
  }

  private syncCounters(): void {
    if (this.writer) {
      this.info.packets = this.writer.packets;
      this.info.bytes = this.writer.bytes;
      this.info.files = this.writer.files();
    }
    this.info.durationMs = this.info.state === 'starting' ? 0 : Date.now() - this.t0;
  }

  private emitProgress(): void {
    const { id, packets, bytes, state, dropped, error } = this.info;
    this.listeners.progress?.({
      id,
      packets,
      bytes,
      state,
      ...(dropped !== undefined ? { dropped } : {}),
      ...(error ? { error } : {}),
    });
  }

  private setState(s: CaptureInfo['state']): void {
    this.info.state = s;
    this.syncCounters();
    this.save();
    this.emitProgress();
  }

  /** Asks the helper to end (tcpdump flushes and reports its counters); resolves with the final record. */
  stop(reason: 'duration' | 'stopped' | 'error' = 'stopped'): Promise<CaptureInfo> {
    if (!this.stopReason && this.info.state !== 'completed' && this.info.state !== 'failed') {
      this.stopReason = reason;
      if (this.info.state === 'running') this.setState('stopping');
      this.convo.send('stop');
      this.convo.end();
    }
    return this.ended;
  }

  private finish(code: number): CaptureInfo {
    for (const t of this.timers) clearTimeout(t);
    this.writer?.close();
    this.live?.flush();
    const wasRunning = this.info.state !== 'starting';
    const cut = this.parser.leftover;
    const helperSays =
      this.helperError ??
      (code !== 0
        ? this.rawStderr.filter(Boolean).join('; ') || `the capture helper exited with status ${code}`
        : undefined);
    const error =
      this.failure ??
      helperSays ??
      (cut ? `the stream ended inside a packet (${cut} bytes left out)` : undefined) ??
      (!wasRunning && this.stopReason ? 'stopped before tcpdump was listening' : undefined);
    this.syncCounters();
    this.info.endedAt = new Date().toISOString();
    if (!wasRunning) this.info.durationMs = 0;
    // Ended by tcpdump's counters, ours, or trouble: a helper that died without reporting counters failed.
    // A helper killed after we asked it to stop (Ctrl-C at a pkexec prompt's terminal) still left whole files.
    const broken =
      !!this.failure ||
      !wasRunning ||
      (code !== 0 && this.info.captured === undefined && (!this.stopReason || cut > 0));
    this.info.endReason = broken
      ? 'error'
      : (this.stopReason ??
        (this.info.count !== undefined && this.info.captured === this.info.count ? 'count' : 'stopped'));
    if (error) this.info.error = error;
    this.info.state = broken ? 'failed' : 'completed';
    this.save();
    this.emitProgress();
    if (!wasRunning) this.failStart(startError(error ?? 'the capture did not start', code));
    return this.info;
  }
}

/** A refused filter (exit 2, "filter: ...") is bad input; pkexec's 126/127 is a refused authorisation. */
function startError(message: string, code: number): Error {
  if (message.startsWith('filter:') || code === 2) return new ValidationError(message);
  if (code === 126 || code === 127 || /not authori[sz]ed|dismissed/i.test(message))
    return new PermissionError(`not allowed to capture: ${message}`);
  return new NovanetError(message);
}
