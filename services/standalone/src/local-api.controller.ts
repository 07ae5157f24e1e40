import { BadRequestException, Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { EVENT_BUS } from '@sonde/bus/bus.module';
import type { EventBus } from '@sonde/bus/event-bus';
import { decodeEvent } from '@sonde/events/event-codec';
import { SondeError } from '@sonde/events/sonde-error';
import type { SondeEvent } from '@sonde/events/sonde-event';
import type { EventStore } from '@sonde/store/event-store';
import { EVENT_STORE } from '@sonde/store/store.module';
import type { StatusView } from './status/render-status';
import type { StatusTracker } from './status/status-tracker';

export const STATUS_TRACKER = 'STATUS_TRACKER';

/**
 * The loopback API of a running `sonde up`: `sonde query` and `sonde status` use it (the
 * embedded chDB belongs to one process), and tests or scripts can publish events onto the bus.
 */
@Controller('api')
export class LocalApiController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(STATUS_TRACKER) private readonly status: StatusTracker,
  ) {}

  @Post('query')
  @HttpCode(200)
  async query(@Body() body: unknown): Promise<Record<string, unknown>[]> {
    const sql = (body as { sql?: unknown } | undefined)?.sql;
    if (typeof sql !== 'string' || sql.trim() === '') throw new BadRequestException('body must be {"sql": "<SELECT …>"}');
    try {
      return await this.store.query(sql);
    } catch (err) {
      if (err instanceof SondeError) throw new BadRequestException(err.message);
      throw err;
    }
  }

  @Post('events')
  @HttpCode(202)
  async publish(@Body() body: unknown): Promise<{ accepted: number }> {
    if (!Array.isArray(body)) throw new BadRequestException('body must be a JSON array of events');
    const events: SondeEvent[] = [];
    for (const [i, raw] of body.entries()) {
      try {
        events.push(decodeEvent(JSON.stringify(raw)));
      } catch (err) {
        throw new BadRequestException(`events[${i}]: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    await this.bus.publish(events);
    return { accepted: events.length };
  }

  @Get('status')
  async view(): Promise<StatusView> {
    return this.status.view();
  }
}
