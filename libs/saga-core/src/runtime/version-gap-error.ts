import { SagaflowError } from '@sagaflow/outbox-relay';
import type { SagaInstance } from '../engine/saga-instance';

/**
 * The instance was started by a replica of a newer release (a rolling deploy): this one lacks its
 * definition version. Retriable, held by the consumer until another replica takes the partition or
 * `consumer.versionGapTimeout` passes, then dead-lettered with this code (docs/decisions/0069).
 */
export function versionGap(
  sagaType: string,
  instance: Pick<SagaInstance, 'id' | 'definitionVersion'>,
  registered: readonly number[],
): SagaflowError {
  return new SagaflowError(
    'DEFINITION_VERSION_GAP',
    `saga ${sagaType} ${instance.id} runs definition version ${instance.definitionVersion}, which this replica does not have (it registers ${registered.join(', ')}): ` +
      `a replica of a newer release started it; the message is held for a replica that has the version, at most consumer.versionGapTimeout`,
    {
      retriable: true,
      context: { sagaType, sagaId: instance.id, definitionVersion: instance.definitionVersion, registered },
    },
  );
}
