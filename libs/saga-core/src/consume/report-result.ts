import type { MessageHeaders } from '@sagaflow/outbox-relay';
import type { SagaflowLogger } from '../observability/json-logger';
import type { SagaflowMetrics } from '../observability/sagaflow-metrics';
import type { ConsumedRecord } from '../runtime/dead-letter';
import type { RecordConsumer } from '../runtime/record-consumer';
import type { UnitResult } from './apply-together';
import { recordFields } from './record-fields';

/** Counts and logs what one consumer did with one record, after its transaction committed. */
export function reportResult(
  d: { logger: SagaflowLogger; metrics: SagaflowMetrics },
  record: ConsumedRecord,
  h: MessageHeaders,
  consumer: Pick<RecordConsumer, 'name'>,
  result: UnitResult | 'filtered',
): void {
  const f = { ...recordFields(record, h), consumer: consumer.name };
  if (result === 'filtered') {
    d.metrics.messageHandled(h.messageType, consumer.name, 'filtered');
    d.logger.debug("message filtered out by the reaction's when()", f);
    return;
  }
  if (result === 'duplicate') {
    d.metrics.messageHandled(h.messageType, consumer.name, 'duplicate');
    d.logger.info('duplicate delivery: already applied, nothing changed', f);
    return;
  }
  const g = { ...f, sagaType: result.sagaType, sagaId: result.sagaId, reason: result.reason };
  d.metrics.messageHandled(h.messageType, consumer.name, result.outcome);
  if (result.sagaType && result.transitions) d.metrics.transitions(result.sagaType, result.transitions);
  if (result.outcome === 'ignored') d.logger.info('message ignored by the saga', g);
  else if (result.outcome === 'discarded') d.logger.warn('message discarded: no saga instance correlates', g);
  else d.logger.debug('message applied', { ...g, transitions: result.transitions });
}
