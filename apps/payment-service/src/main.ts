import { AppModule } from './app.module';
import { loadPaymentConfig, serviceName } from './config';
import { bootstrapService } from '@sagaflow/service-kit';

void bootstrapService(
  serviceName,
  () => loadPaymentConfig(),
  (config, logger) => AppModule.forRoot(config, logger),
);
