import { describe, expect, it } from 'vitest';
import { SagaTestFixture } from '../testing/saga-test-fixture';
import { createParallelTripSaga, createTripContracts } from '../testing/parallel-trip.spec-helper';
import { SagaTransitions } from './saga-transitions-message';
import { transitionsEvent } from './transitions-event';

const c = createTripContracts('trip');
const ok = { tripId: 't1', ref: null, reason: null };

describe('transitionsEvent', () => {
  it('carries a retry and a join, with group and attempt, in a record the Avro schema accepts', () => {
    const f = new SagaTestFixture(createParallelTripSaga(c, { hotelAttempts: 2, hotelBackoff: '1s' }));
    f.receive(c.TripRequested, { tripId: 't1', scenario: 'ok' });
    f.receive(c.FlightReserved, ok);
    f.receive(c.CarReserved, { ...ok, ref: 'R1' });
    const [timedOut, retried] = f.advanceTime('11s');
    expect(transitionsEvent(timedOut!.instance!, timedOut!.lifecycle)).toBeUndefined();
    const retry = transitionsEvent(retried!.instance!, retried!.lifecycle)!;
    expect(retry.transitions).toEqual([
      expect.objectContaining({
        transition: 'StepRetried',
        step: 'reserveHotel',
        group: 'reserve',
        attempt: 2,
      }),
    ]);
    const joined = f.receive(c.HotelReserved, ok);
    const event = transitionsEvent(joined.instance!, joined.lifecycle)!;
    expect(event.transitions.map((t) => [t.transition, t.group])).toEqual([
      ['StepCompleted', 'reserve'],
      ['GroupJoined', 'reserve'],
    ]);
    expect(() => SagaTransitions.validate(retry)).not.toThrow();
    expect(() => SagaTransitions.validate(event)).not.toThrow();
    const bytes = SagaTransitions.avroType.toBuffer(event);
    expect(SagaTransitions.avroType.fromBuffer(bytes)).toEqual(event);
  });
});
