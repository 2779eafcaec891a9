/**
 * The live packet list's rate bound: at most `limit` summaries per window, the rest only counted. A fast capture
 * therefore costs the UI one small message per window, and the decoder runs only for packets that will be shown.
 */
import { CAPTURE_LIMITS, type PacketSummary } from '../../../shared/model/capture';

export class LiveList {
  private batch: PacketSummary[] = [];
  private more = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly emit: (packets: PacketSummary[], more: number) => void,
    private readonly limit: number = CAPTURE_LIMITS.liveBatch,
    private readonly windowMs: number = CAPTURE_LIMITS.liveWindowMs,
  ) {}

  /** True when this window's list is full: the caller counts packets instead of decoding them. */
  get full(): boolean {
    return this.batch.length >= this.limit;
  }

  add(p: PacketSummary): void {
    if (this.full) this.more++;
    else this.batch.push(p);
    this.arm();
  }

  skip(n: number): void {
    if (n <= 0) return;
    this.more += n;
    this.arm();
  }

  private arm(): void {
    // The first packet of a window opens it; one message leaves when it closes.
    this.timer ??= setTimeout(() => this.flush(), this.windowMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.batch.length === 0 && this.more === 0) return;
    const [packets, more] = [this.batch, this.more];
    this.batch = [];
    this.more = 0;
    this.emit(packets, more);
  }
}
