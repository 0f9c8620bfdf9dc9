import { describe, expect, it } from 'vitest';
import { SagaTestFixture } from '../testing/saga-test-fixture';
import {
  FlightBooked,
  HotelBooked,
  TripConfirmed,
  TripRequested,
  TripSaga,
} from '../testing/example-saga.spec-helper';
import { createParallelTripSaga, createTripContracts } from '../testing/parallel-trip.spec-helper';

const c = createTripContracts('trip');
const ParallelTrip = createParallelTripSaga(c);
const t = 't1';
const ok = { tripId: t, ref: null, reason: null };

describe('more than one correlation', () => {
  it('a key associated while running correlates a later message to the instance', () => {
    const f = new SagaTestFixture(ParallelTrip);
    f.receive(c.TripRequested, { tripId: t, scenario: 'ok' });
    const outcome = f.receive(c.CarReserved, { ...ok, ref: 'R-77' });
    expect(outcome.associate).toEqual(['rental:R-77']);
    expect(f.instance(t)?.associations).toEqual(['rental:R-77']);
    expect(f.instance('rental:R-77')?.id).toBe(f.instance(t)?.id);
    f.receive(c.HotelRejected, { ...ok, reason: 'full' });
    f.receive(c.FlightReserved, ok);
    // the car completed last, so it is undone first; its confirmation knows only the rental id
    f.receive(c.RentalCancelled, { rentalId: 'R-77' });
    expect(f.instance(t)?.steps.reserveCar?.status).toBe('COMPENSATED');
    f.receive(c.FlightCancelled, ok);
    expect(f.status(t)).toBe('COMPENSATED');
  });

  it('associating the same key again, or the correlation key itself, adds nothing', () => {
    const f = new SagaTestFixture(ParallelTrip);
    f.receive(c.TripRequested, { tripId: t, scenario: 'ok' });
    f.receive(c.CarReserved, { ...ok, ref: 'R-1' });
    const again = f.receive(c.CarReserved, { ...ok, ref: 'R-1' });
    expect(again.associate).toBeUndefined();
    expect(f.instance(t)?.associations).toEqual(['rental:R-1']);
  });

  it('a saga that never associated a key ends without asking to remove any', () => {
    const f = new SagaTestFixture(TripSaga);
    f.receive(TripRequested, { tripId: t, budget: 100 });
    f.receive(FlightBooked, { tripId: t, flightNo: 'LH1' });
    f.receive(HotelBooked, { tripId: t });
    const end = f.receive(TripConfirmed, { tripId: t });
    expect(f.status(t)).toBe('COMPLETED');
    expect(end.dissociateAll).toBeUndefined();
  });

  it('a saga that associated a key asks, when it ends, to remove them all', () => {
    const f = new SagaTestFixture(ParallelTrip);
    f.receive(c.TripRequested, { tripId: t, scenario: 'ok' });
    f.receive(c.CarReserved, ok);
    f.receive(c.FlightReserved, ok);
    f.receive(c.HotelReserved, ok);
    const end = f.receive(c.TripConfirmed, ok);
    expect(f.status(t)).toBe('COMPLETED');
    expect(end.dissociateAll).toBe(true);
  });

  it('associations are removed when the saga ends: a later message by that key finds no instance', () => {
    const f = new SagaTestFixture(ParallelTrip);
    f.receive(c.TripRequested, { tripId: t, scenario: 'ok' });
    f.receive(c.CarReserved, { ...ok, ref: 'R-9' });
    f.receive(c.FlightReserved, ok);
    const last = f.receive(c.HotelReserved, ok);
    expect(last.dissociateAll).toBeUndefined();
    const end = f.receive(c.TripConfirmed, ok);
    expect(end.dissociateAll).toBe(true);
    expect(f.instance(t)?.associations).toBeUndefined();
    expect(f.instance('rental:R-9')).toBeUndefined();
    // onMissingInstance: 'discard'
    expect(f.receive(c.RentalCancelled, { rentalId: 'R-9' }).missingInstance?.policy).toBe('discard');
  });

  it('an empty key is refused with the handler named', () => {
    class Blank extends ParallelTrip {
      override carReserved(
        _s: never,
        _e: unknown,
        ctx: Parameters<InstanceType<typeof ParallelTrip>['carReserved']>[2],
      ) {
        return ctx.associate('');
      }
    }
    const g = new SagaTestFixture(ParallelTrip, { saga: new Blank() });
    g.receive(c.TripRequested, { tripId: t, scenario: 'ok' });
    expect(() => g.receive(c.CarReserved, { ...ok, ref: 'x' })).toThrow(
      /associates ""; a key must be a non-empty string/,
    );
  });
});
