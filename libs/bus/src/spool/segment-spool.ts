import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { SpoolConfig } from '../bus.config';
import { BusError } from '../bus-error';
import { silentBusLogger, type BusLogger } from '../bus-logger';
import type { BusMetrics } from '../bus.metrics';
import { RECORD_HEADER_BYTES, SEGMENT_MAGIC, encodeSpoolRecord, readSpoolRecords, type SpoolRecord } from './spool-record';

export interface SpoolPosition {
  segment: number;
  offset: number;
}

export interface SpoolReadBatch {
  records: SpoolRecord[];
  /** Where the next read starts once these records are acknowledged. */
  next: SpoolPosition;
}

interface Segment {
  seq: number;
  file: string;
  size: number;
  /** Offset past the last readable record (below size only if corruption was found). */
  end: number;
  /** Records after the cursor not yet acknowledged. */
  pending: number;
}

const SEGMENT_NAME = /^(\d{16})\.seg$/;
const READ_CHUNK_BYTES = 4 * 1024 * 1024;
const openDirs = new Set<string>();

/**
 * A bounded, append-only, on-disk FIFO of Kafka records, used while the broker is
 * unreachable (design.md §6). Files in `dir`:
 *
 * - `<16-digit seq>.seg`: segments (spool-record.ts), appended to, rotated at segmentBytes;
 * - `cursor.json`: `{segment, offset}` of the first record not yet sent, replaced atomically
 *   (write + rename) after each acknowledged read. A crash between a send and its cursor
 *   update resends those records: at-least-once, like the rest of the bus;
 * - `lock`: the owning process id (one process per spool folder).
 *
 * Durability follows `fsync` (bus.config.ts). On open, a torn tail of the last segment (crash
 * mid-append) is truncated; corruption inside an older segment skips the rest of it; both are
 * logged and counted in sonde_bus_spool_corrupt_bytes_total. Depth and bytes are gauges.
 *
 * Not safe for concurrent calls: its owner (KafkaPublisher) serialises them.
 */
export class SegmentSpool {
  private segments: Segment[] = [];
  private cursor: SpoolPosition = { segment: 0, offset: SEGMENT_MAGIC.length };
  private active: { segment: Segment; fd: FileHandle } | null = null;
  private nextSeq = 1;
  private depthEvents = 0;
  private totalBytes = 0;
  private dirty = false;
  private fsyncTimer: NodeJS.Timeout | null = null;
  private closed = false;

  private constructor(
    private readonly dir: string,
    private readonly config: SpoolConfig,
    private readonly metrics: BusMetrics,
    private readonly logger: BusLogger,
  ) {}

  static async open(config: SpoolConfig, deps: { metrics: BusMetrics; logger?: BusLogger }): Promise<SegmentSpool> {
    const dir = path.resolve(config.dir);
    const spool = new SegmentSpool(dir, config, deps.metrics, deps.logger ?? silentBusLogger);
    await spool.load();
    return spool;
  }

  get depth(): number {
    return this.depthEvents;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  private async load(): Promise<void> {
    try {
      await mkdir(this.dir, { recursive: true });
    } catch (err) {
      // name the config path: the default is absolute (/var/lib/sonde/bus-spool) and may not be writable
      throw new BusError('config', `cannot create the spool folder ${this.dir} (bus.kafka.spool.dir): ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { dir: this.dir }, { cause: err });
    }
    await this.lock();
    const names = (await readdir(this.dir)).filter((n) => SEGMENT_NAME.test(n)).sort();
    this.cursor = await this.readCursor();
    for (const name of names) {
      const seq = Number(name.slice(0, 16));
      const file = path.join(this.dir, name);
      this.nextSeq = Math.max(this.nextSeq, seq + 1);
      if (seq < this.cursor.segment) {
        await rm(file, { force: true });
        continue;
      }
      const bytes = await readFile(file);
      if (bytes.length < SEGMENT_MAGIC.length || !bytes.subarray(0, SEGMENT_MAGIC.length).equals(SEGMENT_MAGIC)) {
        this.metrics.spoolCorruptBytes.inc(bytes.length);
        this.logger.warn({ file, bytes: bytes.length }, 'spool segment without its header: deleted');
        await rm(file, { force: true });
        continue;
      }
      const start = seq === this.cursor.segment ? Math.max(this.cursor.offset, SEGMENT_MAGIC.length) : SEGMENT_MAGIC.length;
      const read = readSpoolRecords(bytes, start);
      this.segments.push({ seq, file, size: bytes.length, end: read.end, pending: read.records.length });
      if (read.problem) {
        this.metrics.spoolCorruptBytes.inc(bytes.length - read.end);
        this.logger.warn({ file, offset: read.end, problem: read.problem, lostBytes: bytes.length - read.end }, 'spool segment damaged: records after the offset are skipped');
      }
    }
    const last = this.segments[this.segments.length - 1];
    if (last && last.end < last.size) {
      // torn tail of the segment being written when the process died: cut it off
      const fd = await open(last.file, 'r+');
      await fd.truncate(last.end);
      await fd.close();
      last.size = last.end;
    }
    if (this.segments[0] && this.cursor.segment < this.segments[0].seq) {
      this.cursor = { segment: this.segments[0].seq, offset: SEGMENT_MAGIC.length };
    }
    this.depthEvents = this.segments.reduce((n, s) => n + s.pending, 0);
    this.totalBytes = this.segments.reduce((n, s) => n + s.size, 0);
    if (this.depthEvents === 0) await this.reset();
    this.report();
    if (this.depthEvents) this.logger.info({ dir: this.dir, events: this.depthEvents, bytes: this.totalBytes }, 'spool holds events from a previous run: replaying');
    if (this.config.fsync === 'interval') {
      this.fsyncTimer = setInterval(() => void this.syncIfDirty(), this.config.fsyncIntervalMs);
      this.fsyncTimer.unref();
    }
  }

  /** Appends records in order; resolves once written (and fsynced, with fsync=always). */
  async append(records: readonly SpoolRecord[]): Promise<void> {
    if (this.closed) throw new BusError('unavailable', 'spool is closed', { dir: this.dir });
    const buf = Buffer.concat(records.map(encodeSpoolRecord));
    const needsSegment = !this.active || (this.active.segment.size + buf.length > this.config.segmentBytes && this.active.segment.size > SEGMENT_MAGIC.length);
    const extra = needsSegment ? SEGMENT_MAGIC.length : 0;
    if (this.totalBytes + buf.length + extra > this.config.maxBytes) {
      throw new BusError('overloaded', `spool full: ${this.totalBytes} of ${this.config.maxBytes} bytes used`, {
        dir: this.dir,
        bytes: this.totalBytes,
        maxBytes: this.config.maxBytes,
        events: records.length,
      });
    }
    const active = needsSegment || !this.active ? await this.rotate() : this.active;
    await active.fd.write(buf, 0, buf.length, active.segment.size);
    if (this.config.fsync === 'always') await active.fd.datasync();
    else this.dirty = true;
    active.segment.size += buf.length;
    active.segment.end = active.segment.size;
    active.segment.pending += records.length;
    this.depthEvents += records.length;
    this.totalBytes += buf.length;
    this.report();
  }

  /** The oldest unacknowledged records (one segment at most per call), without removing them. */
  async read(maxRecords: number, maxBytes: number): Promise<SpoolReadBatch> {
    for (;;) {
      const segment = this.segments.find((s) => s.seq >= this.cursor.segment);
      if (!segment) return { records: [], next: this.cursor };
      const offset = segment.seq === this.cursor.segment ? this.cursor.offset : SEGMENT_MAGIC.length;
      if (offset >= segment.end) {
        if (segment === this.active?.segment) return { records: [], next: { segment: segment.seq, offset } };
        await this.dropSegment(segment);
        continue;
      }
      const fd = this.active?.segment === segment ? this.active.fd : await open(segment.file, 'r');
      try {
        let want = Math.min(segment.end - offset, Math.max(maxBytes, RECORD_HEADER_BYTES));
        for (;;) {
          const buf = Buffer.allocUnsafe(want);
          const { bytesRead } = await fd.read(buf, 0, want, offset);
          const read = readSpoolRecords(buf.subarray(0, bytesRead), 0, maxRecords);
          if (read.records.length > 0) return { records: read.records, next: { segment: segment.seq, offset: offset + read.end } };
          if (read.problem === 'truncated' && bytesRead >= RECORD_HEADER_BYTES && want < segment.end - offset) {
            // one record larger than maxBytes: read it whole
            want = Math.min(segment.end - offset, Math.max(RECORD_HEADER_BYTES + buf.readUInt32BE(0), READ_CHUNK_BYTES));
            continue;
          }
          // corruption found while replaying (the disk changed under us): skip the segment's rest
          this.metrics.spoolCorruptBytes.inc(segment.end - offset);
          this.logger.warn({ file: segment.file, offset, problem: read.problem ?? 'empty' }, 'spool segment damaged during replay: rest skipped');
          this.depthEvents -= segment.pending;
          segment.pending = 0;
          segment.end = offset;
          this.report();
          break;
        }
      } finally {
        if (this.active?.segment !== segment) await fd.close();
      }
    }
  }

  /** Marks the records of a read as sent: advances the cursor, deletes consumed segments. */
  async ack(next: SpoolPosition, count: number): Promise<void> {
    const segment = this.segments.find((s) => s.seq === next.segment);
    if (segment) segment.pending = Math.max(0, segment.pending - count);
    this.depthEvents = Math.max(0, this.depthEvents - count);
    // the gauge now, not after the file work below: `depth` (health's pending) already says so,
    // and a reader between the two saw health at 0 and the gauge still at the old count
    this.report();
    this.cursor = next;
    for (const s of [...this.segments]) {
      if (s.seq < next.segment || (s.seq === next.segment && next.offset >= s.end && s !== this.active?.segment)) await this.dropSegment(s);
    }
    if (this.depthEvents === 0) await this.reset();
    else await this.writeCursor();
    this.report();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.fsyncTimer) clearInterval(this.fsyncTimer);
    if (this.active) {
      if (this.config.fsync !== 'never') await this.active.fd.sync();
      await this.active.fd.close();
      this.active = null;
    }
    await rm(path.join(this.dir, 'lock'), { force: true });
    openDirs.delete(this.dir);
  }

  private async rotate(): Promise<{ segment: Segment; fd: FileHandle }> {
    if (this.active) {
      if (this.config.fsync !== 'never') await this.active.fd.sync();
      await this.active.fd.close();
    }
    const seq = this.nextSeq++;
    const file = path.join(this.dir, `${String(seq).padStart(16, '0')}.seg`);
    const fd = await open(file, 'w+');
    await fd.write(SEGMENT_MAGIC, 0, SEGMENT_MAGIC.length, 0);
    const segment: Segment = { seq, file, size: SEGMENT_MAGIC.length, end: SEGMENT_MAGIC.length, pending: 0 };
    this.segments.push(segment);
    this.active = { segment, fd };
    this.totalBytes += SEGMENT_MAGIC.length;
    if (this.segments.length === 1) {
      this.cursor = { segment: seq, offset: SEGMENT_MAGIC.length };
      await this.writeCursor();
    }
    return this.active;
  }

  private async dropSegment(segment: Segment): Promise<void> {
    if (this.active?.segment === segment) {
      await this.active.fd.close();
      this.active = null;
    }
    this.segments = this.segments.filter((s) => s !== segment);
    this.totalBytes -= segment.size;
    this.depthEvents -= segment.pending;
    await rm(segment.file, { force: true });
    if (this.cursor.segment <= segment.seq) {
      const following = this.segments.find((s) => s.seq > segment.seq);
      this.cursor = { segment: following ? following.seq : segment.seq + 1, offset: SEGMENT_MAGIC.length };
    }
  }

  /** Everything was sent: start over with no files (bytes back to 0). */
  private async reset(): Promise<void> {
    for (const s of [...this.segments]) await this.dropSegment(s);
    this.depthEvents = 0;
    this.totalBytes = 0;
    await rm(path.join(this.dir, 'cursor.json'), { force: true });
  }

  private async readCursor(): Promise<SpoolPosition> {
    const fallback = { segment: 0, offset: SEGMENT_MAGIC.length };
    let text: string;
    try {
      text = await readFile(path.join(this.dir, 'cursor.json'), 'utf8');
    } catch {
      return fallback;
    }
    try {
      const raw: unknown = JSON.parse(text);
      if (typeof raw === 'object' && raw !== null && 'segment' in raw && 'offset' in raw) {
        const { segment, offset } = raw;
        if (Number.isSafeInteger(segment) && Number.isSafeInteger(offset) && (offset as number) >= SEGMENT_MAGIC.length) {
          return { segment: segment as number, offset: offset as number };
        }
      }
    } catch {
      // fall through
    }
    this.logger.warn({ dir: this.dir }, 'spool cursor unreadable: replaying from the oldest segment (duplicates possible)');
    return fallback;
  }

  private async writeCursor(): Promise<void> {
    const file = path.join(this.dir, 'cursor.json');
    await writeFile(`${file}.tmp`, JSON.stringify(this.cursor));
    await rename(`${file}.tmp`, file);
  }

  private async syncIfDirty(): Promise<void> {
    if (!this.dirty || !this.active) return;
    this.dirty = false;
    await this.active.fd.datasync().catch(() => undefined);
  }

  private async lock(): Promise<void> {
    if (openDirs.has(this.dir)) throw new BusError('config', `spool folder ${this.dir} is already open in this process`, { dir: this.dir });
    const file = path.join(this.dir, 'lock');
    try {
      const owner = Number((await readFile(file, 'utf8')).trim());
      if (Number.isSafeInteger(owner) && owner !== process.pid && isAlive(owner)) {
        throw new BusError('config', `spool folder ${this.dir} is in use by process ${owner}`, { dir: this.dir, pid: owner });
      }
    } catch (err) {
      if (err instanceof BusError) throw err;
    }
    await writeFile(file, String(process.pid));
    openDirs.add(this.dir);
    await stat(file);
  }

  private report(): void {
    this.metrics.spoolEvents.set(this.depthEvents);
    this.metrics.spoolBytes.set(this.totalBytes);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
