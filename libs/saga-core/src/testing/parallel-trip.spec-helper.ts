import { defineMessage, type AnyMessageType } from '@sagaflow/outbox-relay';
import { EndSaga, Saga, SagaEventHandler, StartSaga } from '../declaration/decorators';
import type { Duration } from '../declaration/duration';
import { sagaSteps, type StepName } from '../declaration/saga-steps';
import type { SagaContext } from '../engine/decision';

// The trip saga of issue 13: flight, hotel and car reserved in parallel (a group, joined), then the trip
// confirmed (the pivot). The car's reply carries a rental id the saga associates, and the car's
// cancellation confirmation correlates by that rental id only. Used by the engine specs, the test-kit
// specs and the integration test (topics under a prefix, so suites sharing a broker never meet).

/** Every trip command: the participant reads `scenario` to decide how to behave. */
export interface TripCommand {
  tripId: string;
  scenario: string;
}
/** Every reply keyed by trip: `ref` on success, `reason` on rejection. */
export interface TripReply {
  tripId: string;
  ref: string | null;
  reason: string | null;
}
/** The car's cancellation confirmation: it knows the rental, not the trip. */
export interface RentalCancelled {
  rentalId: string;
}

const str = (name: string) => ({ name, type: 'string' });
const optional = (name: string) => ({ name, type: ['null', 'string'], default: null });
const commandFields = [str('tripId'), str('scenario')];
const replyFields = [str('tripId'), optional('ref'), optional('reason')];

/** The trip's message types on topics under `prefix` (`<prefix>.trips.events`, `<prefix>.flight.commands`, …). */
export function createTripContracts(prefix = 'trip') {
  const ns = prefix.replace(/[^A-Za-z0-9_]/g, '_');
  const type = <T>(
    name: string,
    topic: string,
    kind: 'event' | 'command',
    fields: object[],
    key: (m: T) => string,
  ) =>
    defineMessage<T>({
      topic,
      kind,
      key,
      schema: { type: 'record', namespace: ns, name, fields: fields as never },
    });
  const byTrip = (m: { tripId: string }) => m.tripId;
  const command = (service: string, name: string) =>
    type<TripCommand>(name, `${prefix}.${service}.commands`, 'command', commandFields, byTrip);
  const reply = (service: string, name: string) =>
    type<TripReply>(name, `${prefix}.${service}.events`, 'event', replyFields, byTrip);
  const c = {
    TripRequested: type<TripCommand>(
      'TripRequested',
      `${prefix}.trips.events`,
      'event',
      commandFields,
      byTrip,
    ),
    ReserveFlight: command('flight', 'ReserveFlight'),
    CancelFlight: command('flight', 'CancelFlight'),
    FlightReserved: reply('flight', 'FlightReserved'),
    FlightRejected: reply('flight', 'FlightRejected'),
    FlightCancelled: reply('flight', 'FlightCancelled'),
    ReserveHotel: command('hotel', 'ReserveHotel'),
    CancelHotel: command('hotel', 'CancelHotel'),
    HotelReserved: reply('hotel', 'HotelReserved'),
    HotelRejected: reply('hotel', 'HotelRejected'),
    HotelCancelled: reply('hotel', 'HotelCancelled'),
    ReserveCar: command('car', 'ReserveCar'),
    CancelCar: command('car', 'CancelCar'),
    CarReserved: reply('car', 'CarReserved'),
    CarRejected: reply('car', 'CarRejected'),
    RentalCancelled: type<RentalCancelled>(
      'RentalCancelled',
      `${prefix}.car.events`,
      'event',
      [str('rentalId')],
      (m) => m.rentalId,
    ),
    ConfirmTrip: command('trips', 'ConfirmTrip'),
    TripConfirmed: reply('trips', 'TripConfirmed'),
    TripRejected: reply('trips', 'TripRejected'),
  };
  return { ...c, all: Object.values(c) as AnyMessageType[], prefix };
}

/** The trip's contracts. */
export type TripContracts = ReturnType<typeof createTripContracts>;

/** The trip saga's state. */
export interface ParallelTripState {
  tripId: string;
  scenario: string;
  rentalId?: string;
}

/** Options of {@link createParallelTripSaga}. */
export interface ParallelTripOptions {
  /** Timeout of each reservation (default 10s). */
  reserveTimeout?: Duration;
  /** Sends of ReserveHotel in all before the saga compensates (default 3). */
  hotelAttempts?: number;
  /** Pause before re-sending ReserveHotel (default 1s). */
  hotelBackoff?: Duration;
  /** Compensation confirmation timeout (default 5s). */
  compensationTimeout?: Duration;
  /** Saga type (default ParallelTrip). */
  type?: string;
  /** The saga's timeout (default none). */
  timeout?: Duration;
}

/** The trip's steps: three reservations in one parallel group, then the confirmation. */
export function tripSteps(c: TripContracts, o: ParallelTripOptions = {}) {
  const cmd = (s: ParallelTripState): TripCommand => ({ tripId: s.tripId, scenario: s.scenario });
  const timeout = o.reserveTimeout ?? '10s';
  return sagaSteps<ParallelTripState>()
    .parallel('reserve', (g) =>
      g
        .step('reserveFlight', c.ReserveFlight, cmd, { timeout })
        .compensatedBy(c.CancelFlight, cmd)
        .step('reserveHotel', c.ReserveHotel, cmd, {
          timeout,
          retry: { attempts: o.hotelAttempts ?? 3, backoff: o.hotelBackoff ?? '1s' },
        })
        .compensatedBy(c.CancelHotel, cmd)
        .step('reserveCar', c.ReserveCar, cmd, { timeout })
        .compensatedBy(c.CancelCar, cmd),
    )
    .step('confirm', c.ConfirmTrip, cmd)
    .withoutCompensation('confirmation is the pivot: nothing after it can fail');
}

/** The trip saga class for a contracts set (decorators name the message types, so one class per set). */
export function createParallelTripSaga(c: TripContracts, o: ParallelTripOptions = {}) {
  const steps = tripSteps(c, o);
  type Ctx = SagaContext<ParallelTripState, StepName<typeof steps>>;
  const byTrip = { correlate: (e: TripReply) => e.tripId };

  @Saga({
    type: o.type ?? 'ParallelTrip',
    version: 1,
    steps,
    ...(o.timeout === undefined ? {} : { timeout: o.timeout }),
    compensationTimeout: o.compensationTimeout ?? '5s',
    compensationAttempts: 3,
    retry: { attempts: 3, initialBackoff: '50ms', maxBackoff: '200ms' },
  })
  class ParallelTrip {
    @StartSaga(c.TripRequested, { correlate: (e) => e.tripId })
    start(e: TripCommand, ctx: Ctx) {
      return ctx.begin({ tripId: e.tripId, scenario: e.scenario }).run('reserve');
    }

    // each branch asks for the confirmation; only the reply that completes the join runs it
    @SagaEventHandler(c.FlightReserved, byTrip)
    flightReserved(_s: ParallelTripState, _e: TripReply, ctx: Ctx) {
      return ctx.stepCompleted('reserveFlight').run('confirm');
    }

    @SagaEventHandler(c.HotelReserved, byTrip)
    hotelReserved(_s: ParallelTripState, _e: TripReply, ctx: Ctx) {
      return ctx.stepCompleted('reserveHotel').run('confirm');
    }

    @SagaEventHandler(c.CarReserved, byTrip)
    carReserved(s: ParallelTripState, e: TripReply, ctx: Ctx) {
      const rentalId = e.ref ?? `${e.tripId}-car`;
      return ctx
        .associate(`rental:${rentalId}`)
        .stepCompleted('reserveCar', { ...s, rentalId })
        .run('confirm');
    }

    @SagaEventHandler(c.FlightRejected, byTrip)
    flightRejected(_s: ParallelTripState, e: TripReply, ctx: Ctx) {
      return ctx.stepFailed('reserveFlight', e.reason ?? 'rejected');
    }

    @SagaEventHandler(c.HotelRejected, byTrip)
    hotelRejected(_s: ParallelTripState, e: TripReply, ctx: Ctx) {
      return ctx.stepFailed('reserveHotel', e.reason ?? 'rejected');
    }

    @SagaEventHandler(c.CarRejected, byTrip)
    carRejected(_s: ParallelTripState, e: TripReply, ctx: Ctx) {
      return ctx.stepFailed('reserveCar', e.reason ?? 'rejected');
    }

    @SagaEventHandler(c.FlightCancelled, { ...byTrip, onMissingInstance: 'discard' })
    flightCancelled(_s: ParallelTripState, _e: TripReply, ctx: Ctx) {
      return ctx.compensated('reserveFlight');
    }

    @SagaEventHandler(c.HotelCancelled, { ...byTrip, onMissingInstance: 'discard' })
    hotelCancelled(_s: ParallelTripState, _e: TripReply, ctx: Ctx) {
      return ctx.compensated('reserveHotel');
    }

    // correlated by the associated rental id; a confirmation of a re-sent cancel may come after the end
    @SagaEventHandler(c.RentalCancelled, {
      correlate: (e: RentalCancelled) => `rental:${e.rentalId}`,
      onMissingInstance: 'discard',
    })
    rentalCancelled(_s: ParallelTripState, _e: RentalCancelled, ctx: Ctx) {
      return ctx.compensated('reserveCar');
    }

    @EndSaga()
    @SagaEventHandler(c.TripConfirmed, byTrip)
    confirmed(_s: ParallelTripState, _e: TripReply, ctx: Ctx) {
      return ctx.stepCompleted('confirm');
    }

    @SagaEventHandler(c.TripRejected, byTrip)
    tripRejected(_s: ParallelTripState, e: TripReply, ctx: Ctx) {
      return ctx.stepFailed('confirm', e.reason ?? 'rejected');
    }
  }
  return ParallelTrip;
}
