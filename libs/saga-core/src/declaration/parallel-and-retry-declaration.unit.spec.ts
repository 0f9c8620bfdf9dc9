import { describe, expect, it } from 'vitest';
import type { SagaContext } from '../engine/decision';
import {
  BookFlight,
  BookHotel,
  CancelFlight,
  CancelHotel,
  ConfirmTrip,
  TripConfirmed,
  TripRequested,
} from '../testing/example-saga.spec-helper';
import { createParallelTripSaga, createTripContracts } from '../testing/parallel-trip.spec-helper';
import { EndSaga, Saga, StartSaga, SagaEventHandler } from './decorators';
import { buildSagaDefinition, describeSaga } from './saga-definition';
import { sagaSteps, type SagaSteps } from './saga-steps';

type S = { tripId: string };
const p = (s: S) => ({ tripId: s.tripId });
const by = { correlate: (m: { tripId: string }) => m.tripId };

/** A minimal saga around `steps`, to see what buildSagaDefinition says about them. */
function sagaWith(type: string, steps: SagaSteps<S, string>) {
  @Saga({ type, version: 1, steps })
  class Declared {
    @StartSaga(TripRequested, by) a(e: S, ctx: SagaContext<S>) {
      return ctx.begin({ tripId: e.tripId });
    }
    @EndSaga() @SagaEventHandler(TripConfirmed, by) b(_s: S, _e: S, ctx: SagaContext<S>) {
      return ctx;
    }
  }
  Object.defineProperty(Declared, 'name', { value: type });
  return Declared;
}

describe('parallel groups and step retries are declared in sagaSteps() and checked at start-up', () => {
  it('a group and its step names are typed, and the definition lists the group', () => {
    const steps = sagaSteps<S>()
      .parallel('book', (g) =>
        g
          .step('flight', BookFlight, p, { timeout: '5s' })
          .compensatedBy(CancelFlight, p)
          .step('hotel', BookHotel, p, { timeout: '5s', retry: { attempts: 2, backoff: '500ms' } })
          .compensatedBy(CancelHotel, p),
      )
      .step('confirm', ConfirmTrip, p)
      .withoutCompensation('pivot');
    const names: Array<NonNullable<(typeof steps)['__names']>> = ['book', 'flight', 'hotel', 'confirm'];
    // @ts-expect-error a name that is not declared fails to compile
    const typo: NonNullable<(typeof steps)['__names']> = 'hotle';
    expect([names, typo]).toBeDefined();
    const d = buildSagaDefinition(sagaWith('Grouped', steps));
    expect([...d.groups]).toEqual([['book', ['flight', 'hotel']]]);
    expect(d.steps.map((s) => [s.name, s.group])).toEqual([
      ['flight', 'book'],
      ['hotel', 'book'],
      ['confirm', undefined],
    ]);
    expect(d.steps[1]!.retry).toEqual({ attempts: 2, backoffMs: 500, maxBackoffMs: 30_000 });
  });

  it('the published definition describes groups and retry policies', () => {
    const c = createTripContracts('trip');
    const doc = describeSaga(buildSagaDefinition(createParallelTripSaga(c)));
    expect(doc.groups).toEqual([{ name: 'reserve', steps: ['reserveFlight', 'reserveHotel', 'reserveCar'] }]);
    const hotel = doc.steps.find((s) => s.name === 'reserveHotel')!;
    expect(hotel).toEqual(
      expect.objectContaining({
        group: 'reserve',
        retry: { attempts: 3, backoffMs: 1000, maxBackoffMs: 30_000 },
      }),
    );
    expect(doc.steps.find((s) => s.name === 'confirm')).toEqual(
      expect.objectContaining({ group: null, retry: null }),
    );
  });

  it('rejects a group step without a compensation', () => {
    const steps = sagaSteps<S>().parallel('book', (g) =>
      g
        .step('flight', BookFlight, p, { timeout: '5s' })
        .compensatedBy(CancelFlight, p)
        .step('hotel', BookHotel, p, { timeout: '5s' })
        .withoutCompensation('cannot be undone'),
    );
    expect(() => buildSagaDefinition(sagaWith('NoUndo', steps))).toThrow(
      'Saga NoUndo: step "hotel" of parallel group "book" declares no compensation: if a sibling fails, "hotel" could not be undone',
    );
  });

  it('rejects a group step without a timeout', () => {
    const steps = sagaSteps<S>().parallel('book', (g) =>
      g
        .step('flight', BookFlight, p, { timeout: '5s' })
        .compensatedBy(CancelFlight, p)
        .step('hotel', BookHotel, p)
        .compensatedBy(CancelHotel, p),
    );
    expect(() => buildSagaDefinition(sagaWith('NoClock', steps))).toThrow(
      /Saga NoClock: step "hotel" of parallel group "book" has no timeout: when a sibling fails, the saga waits for "hotel"/,
    );
  });

  it('rejects a retry policy without a timeout, and a bad one', () => {
    const noTimeout = sagaSteps<S>()
      .step('flight', BookFlight, p, { retry: { attempts: 3 } })
      .compensatedBy(CancelFlight, p);
    expect(() => buildSagaDefinition(sagaWith('RetryNoClock', noTimeout))).toThrow(
      'Saga RetryNoClock: step "flight" has a retry policy but no timeout: a re-send is triggered by the timeout',
    );
    const zero = sagaSteps<S>()
      .step('flight', BookFlight, p, { timeout: '1s', retry: { attempts: 0 } })
      .compensatedBy(CancelFlight, p);
    expect(() => buildSagaDefinition(sagaWith('RetryZero', zero))).toThrow(
      'Saga RetryZero: retry of step "flight": attempts must be an integer ≥ 1 (sends in all, the first included); got 0',
    );
    const inverted = sagaSteps<S>()
      .step('flight', BookFlight, p, {
        timeout: '1s',
        retry: { attempts: 2, backoff: '10s', maxBackoff: '1s' },
      })
      .compensatedBy(CancelFlight, p);
    expect(() => buildSagaDefinition(sagaWith('RetryInverted', inverted))).toThrow(
      'Saga RetryInverted: retry of step "flight": maxBackoff (1000 ms) cannot be less than its backoff (10000 ms)',
    );
  });

  it('rejects groups of one step, nested groups and reused names while building', () => {
    expect(() =>
      sagaSteps<S>().parallel('book', (g) =>
        g.step('flight', BookFlight, p, { timeout: '5s' }).compensatedBy(CancelFlight, p),
      ),
    ).toThrow('sagaSteps: parallel group "book" has 1 step(s); a group needs at least two');
    expect(() =>
      sagaSteps<S>().parallel('outer', (g) =>
        g.parallel('inner', (h) =>
          h
            .step('a', BookFlight, p, { timeout: '5s' })
            .compensatedBy(CancelFlight, p)
            .step('b', BookHotel, p, { timeout: '5s' })
            .compensatedBy(CancelHotel, p),
        ),
      ),
    ).toThrow('sagaSteps: parallel group "outer" contains group "inner"; groups do not nest');
    const first = sagaSteps<S>().step('flight', BookFlight, p).compensatedBy(CancelFlight, p);
    expect(() =>
      first.parallel('flight', (g) =>
        g
          .step('a', BookFlight, p, { timeout: '5s' })
          .compensatedBy(CancelFlight, p)
          .step('b', BookHotel, p, { timeout: '5s' })
          .compensatedBy(CancelHotel, p),
      ),
    ).toThrow('sagaSteps: parallel group "flight" reuses a step or group name');
    expect(() =>
      first.parallel('book', (g) =>
        g
          .step('flight', BookFlight, p, { timeout: '5s' })
          .compensatedBy(CancelFlight, p)
          .step('b', BookHotel, p, { timeout: '5s' })
          .compensatedBy(CancelHotel, p),
      ),
    ).toThrow('sagaSteps: step "flight" of group "book" is declared twice');
  });
});
