/** What a command wrote, each stream decoded as UTF-8. */
export interface CollectedOutput {
  stdout: string;
  stderr: string;
}

/** 1 MiB: how much of each stream a command or helper keeps by default. */
export const OUTPUT_CAP_BYTES = 1024 * 1024;

/**
 * Splits Docker's multiplexed output stream (frames of an 8-byte header: stream type, three zero
 * bytes, payload length big-endian; then the payload) into stdout and stderr, keeping the first
 * `capBytes` of each and dropping the rest. Chunks may cut frames and headers anywhere.
 */
export class OutputCollector {
  private readonly stdout: Capped;
  private readonly stderr: Capped;
  private readonly header = Buffer.alloc(8);
  private headerFill = 0;
  private remaining = 0;
  private target: Capped;

  constructor(capBytes: number = OUTPUT_CAP_BYTES) {
    this.stdout = new Capped(capBytes);
    this.stderr = new Capped(capBytes);
    this.target = this.stdout;
  }

  push(chunk: Uint8Array): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.remaining === 0) {
        const n = Math.min(8 - this.headerFill, chunk.length - offset);
        this.header.set(chunk.subarray(offset, offset + n), this.headerFill);
        this.headerFill += n;
        offset += n;
        if (this.headerFill < 8) return;
        this.headerFill = 0;
        this.target = this.header[0] === 2 ? this.stderr : this.stdout;
        this.remaining = this.header.readUInt32BE(4);
        continue;
      }
      const n = Math.min(this.remaining, chunk.length - offset);
      this.target.add(chunk.subarray(offset, offset + n));
      this.remaining -= n;
      offset += n;
    }
  }

  output(): CollectedOutput {
    return { stdout: this.stdout.text(), stderr: this.stderr.text() };
  }
}

class Capped {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  constructor(private readonly cap: number) {}

  add(bytes: Uint8Array): void {
    const room = this.cap - this.size;
    if (room <= 0) return;
    const kept = bytes.length <= room ? bytes : bytes.subarray(0, room);
    this.parts.push(Uint8Array.from(kept));
    this.size += kept.length;
  }

  text(): string {
    return Buffer.concat(this.parts).toString('utf8');
  }
}
