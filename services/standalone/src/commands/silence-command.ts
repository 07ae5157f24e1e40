import { userInfo } from 'node:os';
import { parseDuration } from '@sonde/alert-engine/notify/duration';
import { parseMatchers } from '@sonde/alert-engine/notify/matcher';
import { toApiMatcher } from '@sonde/alert-engine/notify/silence';
import { alertApi, alertApiUrl } from './alert-api-target';

interface Target {
  data: string;
  url?: string;
}

interface ApiSilence {
  id: string;
  status: { state: string };
  matchers: { name: string; value: string; isRegex: boolean; isEqual: boolean }[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}

/** `sonde silence add device=r1 alertname=~"Link.*" --duration 2h --comment "…"` (amtool's syntax). */
export async function runSilenceAdd(matchers: string[], options: Target & { duration: string; comment: string; author?: string }): Promise<number> {
  let parsed;
  try {
    parsed = matchers.flatMap((m) => parseMatchers(m));
  } catch (err) {
    process.stderr.write(`sonde silence add: ${(err as Error).message}\n`);
    return 2;
  }
  if (parsed.length === 0) {
    process.stderr.write('sonde silence add: give at least one matcher, e.g. device=r1\n');
    return 2;
  }
  const ms = parseDuration(options.duration);
  if (ms === null || ms === 0) {
    process.stderr.write(`sonde silence add: invalid --duration ${options.duration} (e.g. 30m, 2h)\n`);
    return 2;
  }
  const base = alertApiUrl('silence add', options);
  if (!base) return 1;
  const now = Date.now();
  const body = {
    matchers: parsed.map(toApiMatcher),
    startsAt: new Date(now).toISOString(),
    endsAt: new Date(now + ms).toISOString(),
    createdBy: options.author ?? userInfo().username,
    comment: options.comment,
  };
  const res = await alertApi<{ silenceID: string }>('silence add', `${base}/api/v2/silences`, 'POST', body);
  if (!res.ok || !res.value) return 1;
  process.stdout.write(`${res.value.silenceID}\n`);
  return 0;
}

export async function runSilenceList(options: Target & { expired?: boolean }): Promise<number> {
  const base = alertApiUrl('silence list', options);
  if (!base) return 1;
  const res = await alertApi<ApiSilence[]>('silence list', `${base}/api/v2/silences`, 'GET');
  if (!res.ok) return 1;
  const shown = (res.value ?? []).filter((s) => (options.expired ? s.status.state === 'expired' : s.status.state !== 'expired'));
  if (shown.length === 0) {
    process.stdout.write('no silences\n');
    return 0;
  }
  for (const s of shown) {
    const m = s.matchers.map((x) => `${x.name}${x.isRegex ? (x.isEqual ? '=~' : '!~') : x.isEqual ? '=' : '!='}${JSON.stringify(x.value)}`).join(' ');
    process.stdout.write(`${s.id}  ${s.status.state.padEnd(7)}  ends ${s.endsAt}  by ${s.createdBy}  ${m}  # ${s.comment}\n`);
  }
  return 0;
}

export async function runSilenceExpire(ids: string[], options: Target): Promise<number> {
  const base = alertApiUrl('silence expire', options);
  if (!base) return 1;
  for (const id of ids) {
    if (!(await alertApi<unknown>('silence expire', `${base}/api/v2/silence/${encodeURIComponent(id)}`, 'DELETE')).ok) return 1;
    process.stdout.write(`expired ${id}\n`);
  }
  return 0;
}
