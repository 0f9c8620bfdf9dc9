import { Module, type DynamicModule } from '@nestjs/common';
import { SagaflowModule, type SagaflowConfig } from '@sagaflow/saga-core';
import { HotelDesk, Payments, Receipts } from './participants';
import { TripBooking } from './trip-booking.saga';
import { Trips } from './trips';

/** The service: Sagaflow once (`forRoot`), its saga (`forFeature`), and the providers with handlers. */
@Module({})
export class TripModule {
  static register(config: SagaflowConfig): DynamicModule {
    return {
      module: TripModule,
      imports: [SagaflowModule.forRoot(config), SagaflowModule.forFeature([TripBooking])],
      providers: [HotelDesk, Payments, Receipts, Trips],
      exports: [Trips],
    };
  }
}
