import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { LOGGER } from '@sonde/telemetry/telemetry.tokens';
import type { Logger } from 'pino';
import { busConfigSchema, type BusConfig, type BusConfigInput } from './bus.config';
import { createTargetAssignment, type TargetAssignmentIdentity } from './create-target-assignment';
import type { TargetAssignment } from './target-assignment';
import { TARGET_ASSIGNMENT } from './target-assignment.tokens';

export { TARGET_ASSIGNMENT } from './target-assignment.tokens';

class TargetAssignmentShutdown implements OnApplicationShutdown {
  constructor(@Inject(TARGET_ASSIGNMENT) private readonly assignment: TargetAssignment) {}
  async onApplicationShutdown(): Promise<void> {
    await this.assignment.close();
  }
}

/**
 * Global: provides TARGET_ASSIGNMENT for the replicas of one service at one site (adapter by
 * `bus.type`: memory owns all, kafka shares the targets through a consumer group). A service
 * module injects it optionally: without this module it polls every target. Leaves the group on
 * shutdown, so a graceful stop hands the targets over at once.
 */
@Global()
@Module({})
export class TargetAssignmentModule {
  /** One given instance for every service of the process (`sonde up`: a MemoryTargetAssignment it feeds). */
  static forInstance(assignment: TargetAssignment): DynamicModule {
    return {
      module: TargetAssignmentModule,
      global: true,
      providers: [{ provide: TARGET_ASSIGNMENT, useValue: assignment }, TargetAssignmentShutdown],
      exports: [TARGET_ASSIGNMENT],
    };
  }

  static forRoot(config: BusConfigInput | BusConfig, identity: TargetAssignmentIdentity): DynamicModule {
    const parsed = busConfigSchema.parse(config);
    return {
      module: TargetAssignmentModule,
      global: true,
      providers: [
        {
          provide: TARGET_ASSIGNMENT,
          inject: [{ token: LOGGER, optional: true }],
          useFactory: (logger?: Logger) =>
            createTargetAssignment(parsed, identity, logger ? { logger: logger.child({ component: 'target-assignment' }) } : {}),
        },
        TargetAssignmentShutdown,
      ],
      exports: [TARGET_ASSIGNMENT],
    };
  }
}
