import { BadRequestException, Body, Controller, Delete, Get, HttpCode, Inject, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { AlertmanagerApi, ApiError, type AlertQuery } from './alertmanager-api';

export const ALERTMANAGER_API = 'ALERTMANAGER_API';

const list = (v: unknown): string[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? v.map(String) : [String(v)]);
const bool = (v: unknown): boolean | undefined => (v === undefined ? undefined : String(v) !== 'false');

function query(q: Record<string, unknown>): AlertQuery {
  const out: AlertQuery = {};
  const filter = list(q.filter);
  if (filter) out.filter = filter;
  for (const k of ['active', 'silenced', 'inhibited', 'unprocessed'] as const) {
    const b = bool(q[k]);
    if (b !== undefined) out[k] = b;
  }
  if (typeof q.receiver === 'string') out.receiver = q.receiver;
  return out;
}

async function http<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ApiError) throw err.status === 404 ? new NotFoundException(err.message) : new BadRequestException(err.message);
    throw err;
  }
}

/** Alertmanager API v2 paths (api/v2/openapi.yaml) over AlertmanagerApi: amtool and Grafana use them. */
@Controller('api/v2')
export class AlertmanagerApiController {
  constructor(@Inject(ALERTMANAGER_API) private readonly api: AlertmanagerApi) {}

  @Get('alerts')
  alerts(@Query() q: Record<string, unknown>) {
    return http(() => this.api.alerts(query(q)));
  }

  @Get('alerts/groups')
  alertGroups(@Query() q: Record<string, unknown>) {
    return http(() => this.api.alertGroups(query(q)));
  }

  @Get('silences')
  silences(@Query() q: Record<string, unknown>) {
    return http(() => this.api.silences(list(q.filter)));
  }

  @Post('silences')
  @HttpCode(200)
  postSilence(@Body() body: unknown) {
    return http(() => this.api.postSilence(body));
  }

  @Get('silence/:silenceID')
  silence(@Param('silenceID') id: string) {
    return http(() => this.api.silence(id));
  }

  @Delete('silence/:silenceID')
  @HttpCode(200)
  deleteSilence(@Param('silenceID') id: string) {
    return http(() => this.api.deleteSilence(id));
  }

  @Get('status')
  status() {
    return this.api.status();
  }

  @Get('receivers')
  receivers() {
    return this.api.receivers();
  }
}
