import { AppModule } from './app.module';
import { loadInventoryConfig, serviceName } from './config';
import { bootstrapService } from './platform/bootstrap';

void bootstrapService(
  serviceName,
  () => loadInventoryConfig(),
  (config, logger) => AppModule.forRoot(config, logger),
);
