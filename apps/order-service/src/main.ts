import { AppModule } from './app.module';
import { loadOrderConfig, serviceName } from './config';
import { bootstrapService } from './platform/bootstrap';

void bootstrapService(
  serviceName,
  () => loadOrderConfig(),
  (config, logger) => AppModule.forRoot(config, logger),
);
