import type { DropReason, DropStage } from './drop-reason';

/**
 * What a collector counts (style.md rule 9), per the unit its README names (a datagram, a frame,
 * a probe result …): every unit received is, exactly once, published or dropped{reason, stage}.
 * `parsed` counts the units that got through decoding (received = parsed + dropped before
 * parsing). Domain code and the publisher depend on this interface, not on prom-client.
 */
export interface CollectorCounts {
  received(n?: number, label?: string): void;
  parsed(n?: number, label?: string): void;
  published(n: number): void;
  dropped(reason: DropReason, stage: DropStage, n?: number, detail?: string): void;
}
