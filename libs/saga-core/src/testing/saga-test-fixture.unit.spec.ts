import { describe, expect, it } from 'vitest';
import { Saga } from '../declaration/decorators';
import { sagaSteps } from '../declaration/saga-steps';
import { SagaTestFixture } from './saga-test-fixture';
import {
  BookFlight,
  BookHotel,
  CancelFlight,
  CancelHotel,
  ConfirmTrip,
  FlightBooked,
  FlightCancelled,
  FlightFailed,
  HotelBooked,
  HotelCancelled,
  HotelFailed,
  TripConfirmed,
  TripFailed,
  TripRequested,
  TripSaga,
  type TripState,
} from './example-saga.spec-helper';

const t = 't1';

// The trip without step timeouts: only the saga's own 60 s timeout can end a stalled trip.
const slowSteps = sagaSteps<TripState>()
  .step('bookFlight', BookFlight, (s) => ({ tripId: s.tripId }))
  .compensatedBy(CancelFlight, (s) => ({ tripId: s.tripId }))
  .step('bookHotel', BookHotel, (s) => ({ tripId: s.tripId }))
  .compensatedBy(CancelHotel, (s) => ({ tripId: s.tripId }))
  .step('confirm', ConfirmTrip, (s) => ({ tripId: s.tripId }))
  .withoutCompensation('pivot');
@Saga({ type: 'SlowTrip', version: 1, steps: slowSteps, timeout: '60s' })
class SlowTrip extends TripSaga {}
function started(): SagaTestFixture {
  const f = new SagaTestFixture(TripSaga);
  f.receive(TripRequested, { tripId: t, budget: 100 });
  return f;
}

describe('SagaTestFixture running the pure engine', () => {
  it('happy path: runs the steps in order and ends Completed', () => {
    const f = started();
    f.receive(FlightBooked, { tripId: t, flightNo: 'LH1' });
    f.receive(HotelBooked, { tripId: t });
    f.receive(TripConfirmed, { tripId: t });
    expect(f.sentTypes()).toEqual(['flight.BookFlight', 'hotel.BookHotel', 'trip.ConfirmTrip']);
    expect(f.status(t)).toBe('COMPLETED');
    expect(f.instance<TripState>(t)!.state.flightNo).toBe('LH1');
    expect(f.lifecycle(t).map((x) => x.transition)).toEqual([
      'Started',
      'StepCompleted',
      'StepCompleted',
      'StepCompleted',
      'Completed',
    ]);
    expect(f.scheduledDeadlines(t)).toEqual({});
  });

  it('failure at the first step compensates nothing and ends Compensated', () => {
    const f = started();
    f.receive(FlightFailed, { tripId: t, reason: 'sold out' });
    expect(f.sentTypes()).toEqual(['flight.BookFlight']);
    expect(f.status(t)).toBe('COMPENSATED');
    expect(f.instance(t)!.reason).toContain('sold out');
  });

  it('failure at the second step compensates the first', () => {
    const f = started();
    f.receive(FlightBooked, { tripId: t, flightNo: 'LH1' });
    f.receive(HotelFailed, { tripId: t, reason: 'full' });
    expect(f.sentTypes().at(-1)).toBe('flight.CancelFlight');
    expect(f.status(t)).toBe('COMPENSATING');
    f.receive(FlightCancelled, { tripId: t });
    expect(f.status(t)).toBe('COMPENSATED');
  });

  it('failure at the last step compensates every completed step, in reverse, one at a time', () => {
    const f = started();
    f.receive(FlightBooked, { tripId: t, flightNo: 'LH1' });
    f.receive(HotelBooked, { tripId: t });
    f.receive(TripFailed, { tripId: t, reason: 'card expired' });
    expect(f.sentTypes().slice(3)).toEqual(['hotel.CancelHotel']);
    f.receive(HotelCancelled, { tripId: t });
    expect(f.sentTypes().slice(3)).toEqual(['hotel.CancelHotel', 'flight.CancelFlight']);
    f.receive(FlightCancelled, { tripId: t });
    expect(f.status(t)).toBe('COMPENSATED');
    const compensated = f
      .lifecycle(t)
      .filter((x) => x.transition === 'StepCompensated')
      .map((x) => x.step);
    expect(compensated).toEqual(['bookHotel', 'bookFlight']);
  });

  it('a step timeout compensates, and a reply arriving after the saga compensated is compensated too', () => {
    const f = started();
    f.receive(FlightBooked, { tripId: t, flightNo: 'LH1' });
    f.advanceTime('10s'); // the hotel step's deadline falls due
    expect(f.lifecycle(t).map((x) => x.transition)).toContain('TimedOut');
    f.receive(FlightCancelled, { tripId: t });
    expect(f.status(t)).toBe('COMPENSATED');
    f.receive(HotelBooked, { tripId: t }); // late
    expect(f.status(t)).toBe('COMPENSATING');
    expect(f.sentTypes().at(-1)).toBe('hotel.CancelHotel');
    f.receive(HotelCancelled, { tripId: t });
    expect(f.status(t)).toBe('COMPENSATED');
  });

  it('the saga timeout does not compensate past the pivot: the in-flight confirmation decides', () => {
    const f = started();
    f.receive(FlightBooked, { tripId: t, flightNo: 'LH1' });
    f.receive(HotelBooked, { tripId: t });
    f.advanceTime('61s');
    expect(f.status(t)).toBe('RUNNING');
    // it waits for the pivot's reply under its own deadline (decision 0068, engine/pivot-timeout.unit.spec.ts)
    expect(f.lifecycle(t).at(-1)!.reason).toMatch(
      /step "confirm", which cannot be compensated, was in flight/,
    );
    f.receive(TripConfirmed, { tripId: t });
    expect(f.status(t)).toBe('COMPLETED');
  });

  it('the saga timeout compensates a saga stuck before its pivot', () => {
    const f = new SagaTestFixture(SlowTrip);
    f.receive(TripRequested, { tripId: t, budget: 1 });
    f.receive(FlightBooked, { tripId: t, flightNo: 'LH1' });
    f.advanceTime('60s');
    expect(f.lifecycle(t).map((x) => x.transition)).toEqual([
      'Started',
      'StepCompleted',
      'TimedOut',
      'Compensating',
    ]);
    expect(f.sentTypes().at(-1)).toBe('flight.CancelFlight');
  });

  it('an unconfirmed compensation is re-sent, then the saga ends Failed, surfaced', () => {
    const f = started();
    f.receive(FlightBooked, { tripId: t, flightNo: 'LH1' });
    f.receive(HotelFailed, { tripId: t, reason: 'full' });
    f.advanceTime('5s');
    expect(f.sentTypes().filter((x) => x === 'flight.CancelFlight')).toHaveLength(2);
    f.advanceTime('5s');
    expect(f.status(t)).toBe('FAILED');
    expect(f.instance(t)!.reason).toMatch(/not confirmed after 2 attempts/);
  });

  it('a duplicated reply changes nothing', () => {
    const f = started();
    f.receive(FlightBooked, { tripId: t, flightNo: 'LH1' });
    const before = structuredClone(f.instance(t));
    const sent = f.sent().length;
    const outcome = f.receive(FlightBooked, { tripId: t, flightNo: 'LH1' });
    expect(outcome.ignored?.reason).toMatch(/already COMPLETED/);
    expect(f.sent()).toHaveLength(sent);
    expect({ ...f.instance(t), version: 0, updatedAt: '' }).toEqual({ ...before, version: 0, updatedAt: '' });
  });

  it('a second start for the same key is ignored, never a second instance', () => {
    const f = started();
    const outcome = f.receive(TripRequested, { tripId: t, budget: 5 });
    expect(outcome.instance).toBeUndefined();
    expect(outcome.ignored?.reason).toMatch(/already exists/);
    expect(f.instance<TripState>(t)!.state.budget).toBe(100);
  });

  it('missing instance: fault by default, discard when declared', () => {
    const f = new SagaTestFixture(TripSaga);
    expect(() => f.receive(FlightBooked, { tripId: 'nope', flightNo: 'x' })).toThrow(
      /no Trip instance correlates with key nope/,
    );
    expect(f.receive(HotelCancelled, { tripId: 'nope' }).missingInstance?.policy).toBe('discard');
  });

  it('user deadlines arrive as messages to @OnDeadline handlers', () => {
    const f = started();
    f.receive(FlightBooked, { tripId: t, flightNo: 'LH1' });
    f.receive(HotelBooked, { tripId: t });
    f.receive(TripConfirmed, { tripId: t });
    expect(f.scheduledDeadlines(t)).toEqual({});
    const g = started();
    g.advanceTime('9s');
    expect(g.scheduledDeadlines(t)).toHaveProperty('user:remind');
  });
});
