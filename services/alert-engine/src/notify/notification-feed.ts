import type { Notification } from './notification';
import { notificationTitle } from './notification-text';

export interface FeedEntry {
  at: number;
  receiver: string;
  title: string;
  alerts: number;
}

/** The last notifications sent, for the `sonde up` status screen (bounded ring). */
export class NotificationFeed {
  private readonly entries: FeedEntry[] = [];

  constructor(private readonly capacity = 20) {}

  push(n: Notification, at: number): FeedEntry {
    const entry = { at, receiver: n.receiver, title: notificationTitle(n), alerts: n.alerts.length };
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.shift();
    return entry;
  }

  recent(): readonly FeedEntry[] {
    return this.entries;
  }
}
