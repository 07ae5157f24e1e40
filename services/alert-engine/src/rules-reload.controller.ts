import { Controller, HttpException, HttpStatus, Inject, Post } from '@nestjs/common';
import { RULE_RELOADER } from './alert-engine.consumer';
import type { ReloadResult, RuleReloader } from './rule-reloader';

/** `POST /api/rules/reload`: 200 with the rule count, or 422 with why (the old rules stay). */
@Controller('api/rules')
export class RulesReloadController {
  constructor(@Inject(RULE_RELOADER) private readonly reloader: RuleReloader) {}

  @Post('reload')
  async reload(): Promise<ReloadResult> {
    const result = await this.reloader.reload('POST /api/rules/reload');
    if (!result.ok) throw new HttpException(result, HttpStatus.UNPROCESSABLE_ENTITY);
    return result;
  }
}
