import { Controller, HttpException, HttpStatus, Inject, Post } from '@nestjs/common';
import { ENGINE_RELOADER } from './alert-engine.consumer';
import type { AlertEngineReloader, EngineReloadResult } from './alert-engine-reloader';

/**
 * `POST /api/rules/reload`: the rules and the notification config (routes, receivers, time
 * intervals). 200 with what was loaded, or 422 with why (a part that failed keeps its old version).
 */
@Controller('api/rules')
export class RulesReloadController {
  constructor(@Inject(ENGINE_RELOADER) private readonly reloader: AlertEngineReloader) {}

  @Post('reload')
  async reload(): Promise<EngineReloadResult> {
    const result = await this.reloader.reload('POST /api/rules/reload');
    if (!result.ok) throw new HttpException(result, HttpStatus.UNPROCESSABLE_ENTITY);
    return result;
  }
}
