import type { DynamicModule } from '@nestjs/common';
import type { z } from 'zod';
import { alertEngineConfigSchema } from '@sonde/alert-engine/alert-engine.config';
import { AlertEngineModule } from '@sonde/alert-engine/alert-engine.module';
import { notifyConfigSource } from '@sonde/alert-engine/notify/notify-config-source';
import type { InventoryConfig } from '@sonde/inventory/inventory';
import { eventWriterConfigSchema } from '@sonde/event-writer/event-writer.config';
import { EventWriterModule } from '@sonde/event-writer/event-writer.module';
import { icmpProberConfigSchema } from '@sonde/icmp-prober/icmp-prober.config';
import { IcmpProberModule } from '@sonde/icmp-prober/icmp-prober.module';
import { mibConfigSchema } from '@sonde/snmp/mib/mib.config';
import { rmonCollectorConfigSchema } from '@sonde/rmon-collector/rmon-collector.config';
import { RmonCollectorModule } from '@sonde/rmon-collector/rmon-collector.module';
import { snmpPollerConfigSchema } from '@sonde/snmp-poller/snmp-poller.config';
import { SnmpPollerModule } from '@sonde/snmp-poller/snmp-poller.module';
import { syslogReceiverConfigSchema } from '@sonde/syslog-receiver/syslog-receiver.config';
import { SyslogReceiverModule } from '@sonde/syslog-receiver/syslog-receiver.module';
import { trapReceiverConfigSchema } from '@sonde/trap-receiver/trap-receiver.config';
import { TrapReceiverModule } from '@sonde/trap-receiver/trap-receiver.module';

/**
 * Every service `sonde up` runs in its one process. A service plugs into `sonde up` by adding
 * one entry: the config sections it reads and how to build its Nest module from them.
 */
/** The config file `sonde up` was started with, re-readable for reloads without restart. */
export interface StandaloneConfigFile {
  configFile: string;
  reloadConfig(): InventoryConfig & Readonly<Record<string, unknown>>;
}

export interface StandaloneService {
  /** The service's name, as in `services/<name>`. */
  name: string;
  sections: Record<string, z.ZodType>;
  module(config: Readonly<Record<string, unknown>>, file?: StandaloneConfigFile): DynamicModule;
}

export const STANDALONE_SERVICES = [
  {
    name: 'event-writer',
    sections: { eventWriter: eventWriterConfigSchema },
    module: (c) => EventWriterModule.forRoot(eventWriterConfigSchema.parse(c.eventWriter)),
  },
  {
    name: 'alert-engine',
    sections: { alertEngine: alertEngineConfigSchema },
    // `sonde rules reload` / SIGHUP reload the notification config from the file too
    module: (c, file) =>
      AlertEngineModule.forRoot(
        alertEngineConfigSchema.parse(c.alertEngine),
        file
          ? {
              configSource: notifyConfigSource(file.configFile, () => {
                const next = file.reloadConfig();
                return { ...next, alertEngine: alertEngineConfigSchema.parse(next.alertEngine) };
              }),
            }
          : {},
      ),
  },
  {
    name: 'snmp-poller',
    sections: { snmpPoller: snmpPollerConfigSchema },
    module: (c) => SnmpPollerModule.forRoot(snmpPollerConfigSchema.parse(c.snmpPoller)),
  },
  {
    name: 'rmon-collector',
    sections: { rmonCollector: rmonCollectorConfigSchema },
    module: (c) => RmonCollectorModule.forRoot(rmonCollectorConfigSchema.parse(c.rmonCollector)),
  },
  {
    name: 'trap-receiver',
    sections: { trapReceiver: trapReceiverConfigSchema, mib: mibConfigSchema },
    module: (c) => TrapReceiverModule.forRoot(trapReceiverConfigSchema.parse(c.trapReceiver), mibConfigSchema.parse(c.mib)),
  },
  {
    name: 'syslog-receiver',
    sections: { syslogReceiver: syslogReceiverConfigSchema },
    module: (c) => SyslogReceiverModule.forRoot(syslogReceiverConfigSchema.parse(c.syslogReceiver)),
  },
  {
    name: 'icmp-prober',
    sections: { icmpProber: icmpProberConfigSchema },
    module: (c) => IcmpProberModule.forRoot(icmpProberConfigSchema.parse(c.icmpProber)),
  },
] as const satisfies readonly StandaloneService[];

type SectionsOf<T> = T extends { sections: infer S } ? S : never;
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
export type StandaloneSections = UnionToIntersection<SectionsOf<(typeof STANDALONE_SERVICES)[number]>>;

export function standaloneSections(): StandaloneSections {
  return Object.assign({}, ...STANDALONE_SERVICES.map((s) => s.sections)) as StandaloneSections;
}
