import { MessageCatalog } from '@sagaflow/outbox-relay';
import { describe, expect, it } from 'vitest';
import {
  BookFlight,
  BookHotel,
  CancelFlight,
  FlightBooked,
  TripConfirmed,
  TripRequested,
  TripSaga,
} from '../testing/example-saga.spec-helper';
import type { SagaContext } from '../engine/decision';
import { EndSaga, Saga, SagaEventHandler, StartSaga } from './decorators';
import { buildSagaDefinition, describeSaga } from './saga-definition';
import { sagaSteps } from './saga-steps';

type S = { tripId: string };
const by = { correlate: (m: { tripId: string }) => m.tripId };
const oneStep = sagaSteps<S>().step('bookFlight', BookFlight, (s) => ({ tripId: s.tripId }));

describe('buildSagaDefinition rejects misdeclarations at start-up, naming class and method', () => {
  it('a class without @Saga', () => {
    class Plain {}
    expect(() => buildSagaDefinition(Plain)).toThrow('class Plain is not decorated with @Saga');
  });

  it('two methods handling one message type', () => {
    @Saga({ type: 'Twice', version: 1, steps: oneStep })
    class Twice {
      @StartSaga(TripRequested, by) a(_e: S, ctx: SagaContext<S>) {
        return ctx.begin({ tripId: 'x' });
      }
      @EndSaga() @SagaEventHandler(TripRequested, by) b(_s: S, _e: S, ctx: SagaContext<S>) {
        return ctx;
      }
    }
    expect(() => buildSagaDefinition(Twice)).toThrow(
      'Saga Twice: methods a and b both handle trip.TripRequested',
    );
  });

  it('no starter', () => {
    @Saga({ type: 'NoStart', version: 1, steps: oneStep })
    class NoStart {
      @EndSaga() @SagaEventHandler(FlightBooked, by) b(_s: S, _e: S, ctx: SagaContext<S>) {
        return ctx;
      }
    }
    expect(() => buildSagaDefinition(NoStart)).toThrow(
      'Saga NoStart: no method is decorated with @StartSaga',
    );
  });

  it('no end', () => {
    @Saga({ type: 'NoEnd', version: 1, steps: oneStep })
    class NoEnd {
      @StartSaga(TripRequested, by) a(_e: S, ctx: SagaContext<S>) {
        return ctx.begin({ tripId: 'x' });
      }
    }
    expect(() => buildSagaDefinition(NoEnd)).toThrow('Saga NoEnd: no handler has @EndSaga');
  });

  it('a step with no compensation where a later step needs it undone', () => {
    const steps = sagaSteps<S>()
      .step('bookFlight', BookFlight, (s) => ({ tripId: s.tripId }))
      .step('bookHotel', BookHotel, (s) => ({ tripId: s.tripId }));
    @Saga({ type: 'Careless', version: 1, steps })
    class Careless {
      @StartSaga(TripRequested, by) a(_e: S, ctx: SagaContext<S>) {
        return ctx.begin({ tripId: 'x' });
      }
      @EndSaga() @SagaEventHandler(TripConfirmed, by) b(_s: S, _e: S, ctx: SagaContext<S>) {
        return ctx;
      }
    }
    expect(() => buildSagaDefinition(Careless)).toThrow(
      /Saga Careless: step "bookFlight" declares no compensation, but "bookHotel" follows it/,
    );
  });

  it('a timeout on a step that cannot be compensated', () => {
    const steps = sagaSteps<S>()
      .step('bookFlight', BookFlight, (s) => ({ tripId: s.tripId }), { timeout: '5s' })
      .withoutCompensation('pivot');
    @Saga({ type: 'UndoablePivot', version: 1, steps })
    class UndoablePivot {}
    expect(() => buildSagaDefinition(UndoablePivot)).toThrow(
      /Saga UndoablePivot: step "bookFlight" has a timeout but no compensation: if it timed out and then succeeded, nothing could undo it/,
    );
  });

  it('a pivotTimeout without a saga timeout to count it from', () => {
    const steps = sagaSteps<S>()
      .step('bookFlight', BookFlight, (s) => ({ tripId: s.tripId }))
      .withoutCompensation('pivot');
    @Saga({ type: 'UntimedPivot', version: 1, steps, pivotTimeout: '1m' })
    class UntimedPivot {}
    expect(() => buildSagaDefinition(UntimedPivot)).toThrow(
      /Saga UntimedPivot: pivotTimeout is counted from the saga timeout, but the saga declares no timeout/,
    );
  });

  it('a handler for a message no topic of the service carries', () => {
    const catalog = new MessageCatalog([TripRequested, BookFlight, CancelFlight]);
    expect(() => buildSagaDefinition(TripSaga, { catalog })).toThrow(
      'Saga TripSaga: method flightBooked handles flight.FlightBooked, which no topic of this service carries',
    );
  });

  it('a bad version or duration', () => {
    @Saga({ type: 'BadVersion', version: 0, steps: oneStep })
    class BadVersion {}
    expect(() => buildSagaDefinition(BadVersion)).toThrow(
      'Saga BadVersion: version must be an integer ≥ 1; got 0',
    );
    expect(() =>
      sagaSteps<S>()
        .step('a', BookFlight, (s) => s)
        .step('a', BookHotel, (s) => s),
    ).toThrow('step "a" is declared twice');
    @Saga({ type: 'BadTimeout', version: 1, steps: oneStep, timeout: '10 minutes' as never })
    class BadTimeout {}
    expect(() => buildSagaDefinition(BadTimeout)).toThrow(/BadTimeout: timeout must be a positive duration/);
  });
});

describe('describeSaga', () => {
  it('lists steps with their compensations and the handled messages, for sagaflow.definitions', () => {
    const doc = describeSaga(buildSagaDefinition(TripSaga));
    expect(doc.steps.map((s) => [s.name, s.command, s.compensation])).toEqual([
      ['bookFlight', 'flight.BookFlight', 'flight.CancelFlight'],
      ['bookHotel', 'hotel.BookHotel', 'hotel.CancelHotel'],
      ['confirm', 'trip.ConfirmTrip', null],
    ]);
    expect(doc.handles.find((h) => h.starter)!.messageType).toBe('trip.TripRequested');
    expect(doc.handles.find((h) => h.ends)!.method).toBe('confirmed');
  });
});
