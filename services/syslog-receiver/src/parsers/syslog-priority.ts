import type { PriorityPart } from './syslog-dialect';

/** RFC 3164 §4.3.3: a relay that receives a message without PRI treats it as user.notice (13). */
export const DEFAULT_PRIORITY = 13;

/**
 * Decodes `<PRI>` (RFC 5424 §6.2.1: 1–3 digits, 0–191; facility = PRI / 8, severity = PRI % 8).
 * Leading zeros are tolerated (some embedded stacks send `<013>`). Returns the offset of the text
 * after `>`, or 0 and the default priority when the message has no valid PRI.
 */
export function parsePriority(text: string): { pri: PriorityPart; end: number } {
  if (text.charCodeAt(0) === 60 /* < */) {
    let value = 0;
    let i = 1;
    for (; i < text.length && i <= 4; i++) {
      const c = text.charCodeAt(i);
      if (c >= 48 && c <= 57) value = value * 10 + (c - 48);
      else break;
    }
    if (i > 1 && i <= 4 && text.charCodeAt(i) === 62 /* > */ && value <= 191) {
      return { pri: { facility: value >> 3, severity: value & 7, present: true }, end: i + 1 };
    }
  }
  return { pri: { facility: DEFAULT_PRIORITY >> 3, severity: DEFAULT_PRIORITY & 7, present: false }, end: 0 };
}
