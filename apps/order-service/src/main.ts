import { AppModule } from './app.module';
import { loadOrderConfig, serviceName } from './config';
import { bootstrapService } from '@sagaflow/service-kit';

void bootstrapService(
  serviceName,
  () => loadOrderConfig(),
  (config, logger) => AppModule.forRoot(config, logger),
);
