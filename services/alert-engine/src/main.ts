import 'reflect-metadata';
import { BusModule } from '@sonde/bus/bus.module';
import { busConfigSchema } from '@sonde/bus/bus.config';
import { runService } from '@sonde/runtime/run-service.main';
import { stateConfigSchema } from '@sonde/state/state.config';
import { StateModule } from '@sonde/state/state.module';
import { alertEngineConfigSchema } from './alert-engine.config';
import { AlertEngineModule } from './alert-engine.module';
import { notifyConfigSource } from './notify/notify-config-source';

void runService({
  service: 'alert-engine',
  sections: { bus: busConfigSchema, state: stateConfigSchema, alertEngine: alertEngineConfigSchema },
  imports: (config, context) => [
    BusModule.forRoot(config.bus),
    StateModule.forRoot(config.state),
    AlertEngineModule.forRoot(config.alertEngine, { configSource: notifyConfigSource(context.configFile, context.reloadConfig) }),
  ],
});
