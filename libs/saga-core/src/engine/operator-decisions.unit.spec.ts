import { describe, expect, it } from 'vitest';
import { SagaTestFixture } from '../testing/saga-test-fixture';
import {
  FlightBooked,
  FlightCancelled,
  HotelBooked,
  TripConfirmed,
  TripRequested,
  TripSaga,
} from '../testing/example-saga.spec-helper';

const t = 't1';
const alice = { operator: 'alice', reason: 'customer called to cancel' };

/** A trip whose flight is booked and whose hotel booking is in flight. */
function hotelInFlight(): SagaTestFixture {
  const f = new SagaTestFixture(TripSaga);
  f.receive(TripRequested, { tripId: t, budget: 100 });
  f.receive(FlightBooked, { tripId: t, flightNo: 'LH1' });
  return f;
}

describe('operator cancel (docs/decisions/0076)', () => {
  it('a running saga compensates its completed steps in reverse, with the operator as the reason', () => {
    const f = hotelInFlight();
    const outcome = f.operatorCommand('cancel', t, alice);
    expect(outcome.ignored).toBeUndefined();
    expect(f.status(t)).toBe('COMPENSATING');
    expect(f.sentTypes().at(-1)).toBe('flight.CancelFlight');
    const reason = 'cancelled by alice: customer called to cancel';
    expect(f.instance(t)?.reason).toBe(reason);
    expect(f.lifecycle(t).at(-1)).toEqual(expect.objectContaining({ transition: 'Compensating', reason }));
    // no step timer, retry or reminder keeps running for a cancelled saga
    expect(Object.keys(f.scheduledDeadlines(t))).toEqual(['compensation:bookFlight']);
    f.receive(FlightCancelled, { tripId: t });
    expect(f.status(t)).toBe('COMPENSATED');
    expect(f.lifecycle(t).at(-1)).toEqual(expect.objectContaining({ transition: 'Compensated', reason }));
  });

  it('a late reply of the step in flight when cancelled is compensated too', () => {
    const f = hotelInFlight();
    f.operatorCommand('cancel', t, alice);
    f.receive(HotelBooked, { tripId: t });
    expect(f.sentTypes().filter((n) => n.endsWith('.CancelHotel'))).toHaveLength(0); // one at a time
    f.receive(FlightCancelled, { tripId: t });
    expect(f.sentTypes().at(-1)).toBe('hotel.CancelHotel');
  });

  it('cancelling a compensating or ended saga changes nothing and says why', () => {
    const f = hotelInFlight();
    f.operatorCommand('cancel', t, alice);
    const sent = f.sent().length;
    const again = f.operatorCommand('cancel', t, { operator: 'bob', reason: 'double click' });
    expect(again.ignored?.reason).toMatch(/cancel by bob .* has no effect: the saga is compensating already/);
    expect(again.lifecycle).toEqual([]);
    f.receive(FlightCancelled, { tripId: t });
    const ended = f.operatorCommand('cancel', t, alice);
    expect(ended.ignored?.reason).toMatch(/has no effect: the saga has ended COMPENSATED/);
    expect(f.sent().length).toBe(sent);
    expect(f.instance(t)?.reason).toBe('cancelled by alice: customer called to cancel');
  });

  it('past the pivot a saga is not cancelled: the step that cannot be undone decides', () => {
    const f = hotelInFlight();
    f.receive(HotelBooked, { tripId: t });
    const outcome = f.operatorCommand('cancel', t, alice);
    expect(outcome.ignored?.reason).toMatch(/step "confirm" cannot be compensated and is in flight/);
    expect(f.status(t)).toBe('RUNNING');
    f.receive(TripConfirmed, { tripId: t });
    expect(f.status(t)).toBe('COMPLETED');
  });
});

describe('operator resume (docs/decisions/0076)', () => {
  it('re-sends the command of the step in flight with its first message-id and restarts its timeout', () => {
    const f = hotelInFlight();
    f.advanceTime('9s');
    f.operatorCommand('resume', t, { operator: 'alice', reason: 'hotel service redeployed' });
    const hotel = f.sent().filter((m) => m.type === 'hotel.BookHotel');
    expect(hotel).toHaveLength(2);
    expect(hotel[1]!.messageId).toBe(hotel[0]!.messageId);
    expect(hotel[1]!.resend).toBe(true);
    expect(f.lifecycle(t).at(-1)).toEqual(
      expect.objectContaining({
        transition: 'StepRetried',
        step: 'bookHotel',
        attempt: 2,
        reason: 'resumed by alice: hotel service redeployed',
      }),
    );
    f.advanceTime('9s'); // 18 s after the first send: the restarted 10 s timeout has not run out
    expect(f.status(t)).toBe('RUNNING');
    f.receive(HotelBooked, { tripId: t });
    expect(f.sentTypes().at(-1)).toBe('trip.ConfirmTrip');
  });

  it('re-sends the compensation in flight of a compensating saga', () => {
    const f = hotelInFlight();
    f.operatorCommand('cancel', t, alice);
    f.operatorCommand('resume', t, { operator: 'alice', reason: 'flight service back' });
    expect(f.sentTypes().filter((n) => n === 'flight.CancelFlight')).toHaveLength(2);
    expect(f.lifecycle(t).at(-1)).toEqual(
      expect.objectContaining({ transition: 'Compensating', step: 'bookFlight' }),
    );
    expect(f.lifecycle(t).at(-1)?.reason).toContain('resumed by alice: flight service back');
    expect(f.instance(t)?.reason).toBe('cancelled by alice: customer called to cancel');
  });

  it('resuming an ended saga changes nothing and says why', () => {
    const f = hotelInFlight();
    f.receive(HotelBooked, { tripId: t });
    f.receive(TripConfirmed, { tripId: t });
    const sent = f.sent().length;
    const outcome = f.operatorCommand('resume', t, alice);
    expect(outcome.ignored?.reason).toMatch(/resume by alice .* has no effect: the saga has ended COMPLETED/);
    expect(f.sent().length).toBe(sent);
  });
});
