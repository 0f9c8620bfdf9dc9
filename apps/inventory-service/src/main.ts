import { AppModule } from './app.module';
import { loadInventoryConfig, serviceName } from './config';
import { bootstrapService } from '@sagaflow/service-kit';

void bootstrapService(
  serviceName,
  () => loadInventoryConfig(),
  (config, logger) => AppModule.forRoot(config, logger),
);
