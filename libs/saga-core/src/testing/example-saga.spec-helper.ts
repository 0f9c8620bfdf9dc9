import { defineMessage } from '@sagaflow/outbox-relay';
import { EndSaga, OnDeadline, Saga, SagaEventHandler, StartSaga } from '../declaration/decorators';
import { sagaSteps, type StepName } from '../declaration/saga-steps';
import type { SagaContext } from '../engine/decision';

// A three-step trip saga used by the engine and test-kit specs: book a flight, book a hotel, then
// confirm (the pivot, no compensation). Replies are events keyed by tripId.
const id = [{ name: 'tripId', type: 'string' }] as const;
const rec = (namespace: string, name: string, extra: { name: string; type: unknown }[] = []) => ({
  type: 'record' as const,
  namespace,
  name,
  fields: [...id, ...extra],
});
interface TripMsg {
  tripId: string;
}
interface Failed extends TripMsg {
  reason: string;
}
const msg = <T extends TripMsg>(topic: string, kind: 'event' | 'command', schema: ReturnType<typeof rec>) =>
  defineMessage<T>({ topic, kind, schema, key: (m) => m.tripId });

export const TripRequested = msg<TripMsg & { budget: number }>(
  'trip.events',
  'event',
  rec('trip', 'TripRequested', [{ name: 'budget', type: 'int' }]),
);
export const BookFlight = msg<TripMsg>('flight.commands', 'command', rec('flight', 'BookFlight'));
export const CancelFlight = msg<TripMsg>('flight.commands', 'command', rec('flight', 'CancelFlight'));
export const FlightBooked = msg<TripMsg & { flightNo: string }>(
  'flight.events',
  'event',
  rec('flight', 'FlightBooked', [{ name: 'flightNo', type: 'string' }]),
);
export const FlightFailed = msg<Failed>(
  'flight.events',
  'event',
  rec('flight', 'FlightFailed', [{ name: 'reason', type: 'string' }]),
);
export const FlightCancelled = msg<TripMsg>('flight.events', 'event', rec('flight', 'FlightCancelled'));
export const BookHotel = msg<TripMsg>('hotel.commands', 'command', rec('hotel', 'BookHotel'));
export const CancelHotel = msg<TripMsg>('hotel.commands', 'command', rec('hotel', 'CancelHotel'));
export const HotelBooked = msg<TripMsg>('hotel.events', 'event', rec('hotel', 'HotelBooked'));
export const HotelFailed = msg<Failed>(
  'hotel.events',
  'event',
  rec('hotel', 'HotelFailed', [{ name: 'reason', type: 'string' }]),
);
export const HotelCancelled = msg<TripMsg>('hotel.events', 'event', rec('hotel', 'HotelCancelled'));
export const ConfirmTrip = msg<TripMsg>('trip.commands', 'command', rec('trip', 'ConfirmTrip'));
export const TripConfirmed = msg<TripMsg>('trip.events', 'event', rec('trip', 'TripConfirmed'));
export const TripFailed = msg<Failed>(
  'trip.events',
  'event',
  rec('trip', 'TripFailed', [{ name: 'reason', type: 'string' }]),
);

export interface TripState {
  tripId: string;
  budget: number;
  flightNo?: string;
  reminders: number;
}

export const tripSteps = sagaSteps<TripState>()
  .step('bookFlight', BookFlight, (s) => ({ tripId: s.tripId }), { timeout: '10s' })
  .compensatedBy(CancelFlight, (s) => ({ tripId: s.tripId }), { timeout: '5s' })
  .step('bookHotel', BookHotel, (s) => ({ tripId: s.tripId }), { timeout: '10s' })
  .compensatedBy(CancelHotel, (s) => ({ tripId: s.tripId }), { timeout: '5s' })
  .step('confirm', ConfirmTrip, (s) => ({ tripId: s.tripId }))
  .withoutCompensation('confirmation is the pivot: nothing after it can fail');

type Ctx = SagaContext<TripState, StepName<typeof tripSteps>>;
const byTrip = { correlate: (m: TripMsg) => m.tripId };

@Saga({ type: 'Trip', version: 1, steps: tripSteps, timeout: '60s', compensationAttempts: 2 })
export class TripSaga {
  @StartSaga(TripRequested, byTrip)
  requested(e: TripMsg & { budget: number }, ctx: Ctx) {
    return ctx
      .begin({ tripId: e.tripId, budget: e.budget, reminders: 0 })
      .run('bookFlight')
      .schedule('remind', '30s');
  }

  @SagaEventHandler(FlightBooked, byTrip)
  flightBooked(s: TripState, e: TripMsg & { flightNo: string }, ctx: Ctx) {
    return ctx.stepCompleted('bookFlight', { ...s, flightNo: e.flightNo }).run('bookHotel');
  }

  @SagaEventHandler(FlightFailed, byTrip)
  flightFailed(_s: TripState, e: Failed, ctx: Ctx) {
    return ctx.stepFailed('bookFlight', e.reason);
  }

  @SagaEventHandler(HotelBooked, byTrip)
  hotelBooked(_s: TripState, _e: TripMsg, ctx: Ctx) {
    return ctx.stepCompleted('bookHotel').run('confirm');
  }

  @SagaEventHandler(HotelFailed, byTrip)
  hotelFailed(_s: TripState, e: Failed, ctx: Ctx) {
    return ctx.stepFailed('bookHotel', e.reason);
  }

  @SagaEventHandler(FlightCancelled, byTrip)
  flightCancelled(_s: TripState, _e: TripMsg, ctx: Ctx) {
    return ctx.compensated('bookFlight');
  }

  @SagaEventHandler(HotelCancelled, { ...byTrip, onMissingInstance: 'discard' })
  hotelCancelled(_s: TripState, _e: TripMsg, ctx: Ctx) {
    return ctx.compensated('bookHotel');
  }

  @EndSaga()
  @SagaEventHandler(TripConfirmed, byTrip)
  confirmed(_s: TripState, _e: TripMsg, ctx: Ctx) {
    return ctx.stepCompleted('confirm');
  }

  @SagaEventHandler(TripFailed, byTrip)
  tripFailed(_s: TripState, e: Failed, ctx: Ctx) {
    return ctx.stepFailed('confirm', e.reason);
  }

  @OnDeadline('remind')
  remind(s: TripState, _d: unknown, ctx: Ctx) {
    return ctx.state({ ...s, reminders: s.reminders + 1 });
  }
}
