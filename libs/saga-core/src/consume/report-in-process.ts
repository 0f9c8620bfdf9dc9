import type { SagaflowLogger } from '../observability/json-logger';
import type { SagaflowMetrics } from '../observability/sagaflow-metrics';
import { toSagaflowError } from '../runtime/classify-error';
import type { DeliveredInProcess, InProcessDelivery, InProcessDeliveryFailed } from './deliver-in-process';

/** Counts and logs what was applied in process, as {@link reportResult} does for Kafka records. */
export function reportInProcess(d: {
  logger: SagaflowLogger;
  metrics: SagaflowMetrics;
}): Pick<InProcessDelivery, 'report' | 'fellBack'> {
  return {
    report(delivered: readonly DeliveredInProcess[]) {
      for (const { message, consumer, result } of delivered) {
        const h = message.headers;
        const f = { messageType: h.messageType, messageId: h.messageId, consumer: consumer.name };
        if (result === 'duplicate') {
          d.metrics.messageHandled(h.messageType, consumer.name, 'duplicate');
          continue;
        }
        const outcome = result.outcome === 'applied' ? 'applied_in_process' : result.outcome;
        d.metrics.messageHandled(h.messageType, consumer.name, outcome);
        if (result.sagaType && result.transitions) d.metrics.transitions(result.sagaType, result.transitions);
        if (result.outcome === 'discarded')
          d.logger.warn('message discarded: no saga instance correlates', { ...f, reason: result.reason });
        else d.logger.debug('message applied in process', { ...f, transitions: result.transitions });
      }
    },
    fellBack(failure: InProcessDeliveryFailed) {
      d.logger.warn('message failed when applied in process; it is left to its Kafka copy', {
        messageId: failure.messageId,
        consumer: failure.consumer,
        error: toSagaflowError(failure.error, failure.consumer),
      });
    },
  };
}
