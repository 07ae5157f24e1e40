import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { SondeError, type ErrorContext } from '@sonde/events/sonde-error';
import { compileMatcher, matchesAll, type CompiledMatcher, type Matcher } from './matcher';

export class SilenceError extends SondeError {
  constructor(code: 'malformed' | 'not-found', message: string, context: ErrorContext = {}) {
    super(code, message, context);
  }
}

/** A silence as Alertmanager's API v2 `postableSilence` shapes it (api/v2/openapi.yaml). */
export const postableSilenceSchema = z.object({
  id: z.string().optional(),
  matchers: z
    .array(
      z.object({
        name: z.string().min(1),
        value: z.string(),
        isRegex: z.boolean(),
        isEqual: z.boolean().default(true),
      }),
    )
    .min(1),
  startsAt: z.iso.datetime({ offset: true }),
  endsAt: z.iso.datetime({ offset: true }),
  createdBy: z.string().min(1),
  comment: z.string().min(1),
});
export type PostableSilence = z.input<typeof postableSilenceSchema>;

export type SilenceState = 'pending' | 'active' | 'expired';

/** A stored silence (epoch ms times). */
export interface Silence {
  id: string;
  matchers: Matcher[];
  startsAt: number;
  endsAt: number;
  createdBy: string;
  comment: string;
  updatedAt: number;
}

export function silenceState(s: Silence, now: number): SilenceState {
  if (now < s.startsAt) return 'pending';
  return now < s.endsAt ? 'active' : 'expired';
}

export function toMatcher(m: { name: string; value: string; isRegex: boolean; isEqual?: boolean }): Matcher {
  const eq = m.isEqual ?? true;
  return { name: m.name, value: m.value, op: m.isRegex ? (eq ? '=~' : '!~') : eq ? '=' : '!=' };
}

export function toApiMatcher(m: Matcher): { name: string; value: string; isRegex: boolean; isEqual: boolean } {
  return { name: m.name, value: m.value, isRegex: m.op === '=~' || m.op === '!~', isEqual: m.op === '=' || m.op === '=~' };
}

/** Validates a postable silence into a stored one (new id unless it updates `id`). */
export function silenceFromPostable(raw: unknown, now: number): Silence {
  const parsed = postableSilenceSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SilenceError('malformed', `invalid silence: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'unknown error'}`);
  }
  const p = parsed.data;
  const matchers = p.matchers.map(toMatcher);
  try {
    matchers.forEach(compileMatcher);
  } catch (err) {
    throw new SilenceError('malformed', (err as Error).message);
  }
  // A silence whose matchers all match the empty string would silence everything (Alertmanager refuses it too).
  const compiled = matchers.map(compileMatcher);
  if (matchesAll(compiled, {})) throw new SilenceError('malformed', 'at least one matcher must not match the empty string');
  const startsAt = Date.parse(p.startsAt);
  const endsAt = Date.parse(p.endsAt);
  // Alertmanager starts a silence dated in the past now.
  if (!(endsAt > startsAt)) throw new SilenceError('malformed', 'endsAt must be after startsAt');
  if (endsAt < now) throw new SilenceError('malformed', 'endsAt is in the past');
  return { id: p.id && p.id !== '' ? p.id : randomUUID(), matchers, startsAt: Math.max(startsAt, now), endsAt, createdBy: p.createdBy, comment: p.comment, updatedAt: now };
}

/** A silence compiled for matching. */
export class ActiveSilence {
  private readonly compiled: CompiledMatcher[];

  constructor(readonly silence: Silence) {
    this.compiled = silence.matchers.map(compileMatcher);
  }

  mutes(labels: Readonly<Record<string, string>>, now: number): boolean {
    return silenceState(this.silence, now) === 'active' && matchesAll(this.compiled, labels);
  }
}
