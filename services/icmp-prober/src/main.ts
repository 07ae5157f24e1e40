import 'reflect-metadata';
import { BusModule } from '@sonde/bus/bus.module';
import { busConfigSchema } from '@sonde/bus/bus.config';
import { TargetAssignmentModule } from '@sonde/bus/target-assignment.module';
import { EXIT_CODES } from '@sonde/runtime/exit-codes';
import { runService } from '@sonde/runtime/run-service.main';
import { IcmpProberError } from './icmp-prober-error';
import { icmpProberConfigSchema } from './icmp-prober.config';
import { IcmpProberModule } from './icmp-prober.module';

runService({
  service: 'icmp-prober',
  sections: { bus: busConfigSchema, icmpProber: icmpProberConfigSchema },
  imports: (config) => [
    BusModule.forRoot(config.bus),
    // replicas at one site share the targets (bus.type kafka); memory bus: this process owns all
    TargetAssignmentModule.forRoot(config.bus, { service: 'icmp-prober', site: config.site }),
    IcmpProberModule.forRoot(config.icmpProber),
  ],
  // A boot failure the operator must fix (missing CAP_NET_RAW): its message, not a stack trace;
  // exit 3 like any socket the process cannot open.
  explainBootFailure: (err) => (err instanceof IcmpProberError ? { message: err.message, exitCode: EXIT_CODES.cannotListen } : undefined),
});
