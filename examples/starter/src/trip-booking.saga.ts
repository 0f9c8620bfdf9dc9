import {
  EndSaga,
  Saga,
  SagaEventHandler,
  StartSaga,
  sagaSteps,
  type SagaContext,
  type StepName,
} from '@sagaflow/saga-core';
import {
  BookHotel,
  CancelHotel,
  CardCharged,
  CardDeclined,
  ChargeCard,
  HotelBooked,
  HotelCancelled,
  BookTrip,
  type TripRef,
} from './messages';

/** The saga's state: plain JSON, kept in `sagaflow.saga_instance`. */
export interface TripState {
  tripId: string;
  hotel: string;
  nights: number;
  amountCents: number;
}

/** Book the hotel (cancelled if a later step fails), then charge the card. */
export const tripSteps = sagaSteps<TripState>()
  .step('bookHotel', BookHotel, (s) => ({ tripId: s.tripId, hotel: s.hotel, nights: s.nights }))
  .compensatedBy(CancelHotel, (s) => ({ tripId: s.tripId }))
  .step('chargeCard', ChargeCard, (s) => ({ tripId: s.tripId, amountCents: s.amountCents }))
  .withoutCompensation('the last step: nothing after it can fail');

type Ctx = SagaContext<TripState, StepName<typeof tripSteps>>;
const byTrip = { correlate: (m: TripRef) => m.tripId };

@Saga({ type: 'TripBooking', version: 1, steps: tripSteps })
export class TripBooking {
  // A saga can start from a command (as here) or from an event (OrderPlaced in the sagas guide).
  @StartSaga(BookTrip, byTrip)
  book(e: BookTrip, ctx: Ctx) {
    return ctx
      .begin({ tripId: e.tripId, hotel: e.hotel, nights: e.nights, amountCents: e.amountCents })
      .run('bookHotel');
  }

  @SagaEventHandler(HotelBooked, byTrip)
  hotelBooked(_s: TripState, _e: TripRef, ctx: Ctx) {
    return ctx.stepCompleted('bookHotel').run('chargeCard');
  }

  @EndSaga()
  @SagaEventHandler(CardCharged, byTrip)
  charged(_s: TripState, _e: ChargeCard, ctx: Ctx) {
    return ctx.stepCompleted('chargeCard');
  }

  @SagaEventHandler(CardDeclined, byTrip)
  declined(_s: TripState, e: CardDeclined, ctx: Ctx) {
    return ctx.stepFailed('chargeCard', e.reason);
  }

  @SagaEventHandler(HotelCancelled, { ...byTrip, onMissingInstance: 'discard' })
  hotelCancelled(_s: TripState, _e: TripRef, ctx: Ctx) {
    return ctx.compensated('bookHotel');
  }
}
