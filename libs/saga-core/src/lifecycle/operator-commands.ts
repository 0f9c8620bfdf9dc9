import { defineMessage, type AvroRecordSchema, type MessageType } from '@sagaflow/outbox-relay';

/**
 * The framework command topic of one service, `<prefix>sagaflow.<service>.operator`: where the saga
 * monitor sends operator actions for the sagas that service owns. The prefix is the deployment's
 * framework prefix (the one before `sagaflow.lifecycle`), so several deployments can share a broker.
 * @example operatorCommandTopic('order-service') // 'sagaflow.order-service.operator'
 */
export function operatorCommandTopic(service: string, prefix = ''): string {
  return `${prefix}sagaflow.${service}.operator`;
}

/** What every operator command carries: which saga, who asked, when and why. */
export interface OperatorCommandFields {
  /** The action's id, also the record's `message-id`: a re-sent action is applied once (inbox). */
  actionId: string;
  sagaId: string;
  sagaType: string;
  /** The person who acted, as the monitor recorded them. */
  operator: string;
  /** Why; required, recorded in the audit trail and carried into the saga's lifecycle. */
  reason: string;
  /** ISO-8601 time the operator asked. */
  requestedAt: string;
}

/**
 * Try the saga's held-back messages again now (a stuck saga waiting on its retries or deadline). No
 * effect on an ended saga. The monitor shows the action pending until the saga's lifecycle moves.
 */
export type ResumeSagaCommand = OperatorCommandFields;

/**
 * Cancel a running saga: it compensates its completed steps in reverse order, as for a failure, with
 * `reason` as the failure reason (its lifecycle shows Compensating … Compensated). No effect on a saga
 * that has already ended or is compensating.
 */
export type CancelSagaCommand = OperatorCommandFields;

const fields: AvroRecordSchema['fields'] = [
  { name: 'actionId', type: 'string' },
  { name: 'sagaId', type: 'string' },
  { name: 'sagaType', type: 'string' },
  { name: 'operator', type: 'string' },
  { name: 'reason', type: 'string' },
  { name: 'requestedAt', type: 'string', doc: 'ISO-8601' },
];

/** Avro schema of `sagaflow.ResumeSaga`. */
export const resumeSagaSchema: AvroRecordSchema = Object.freeze({
  type: 'record',
  namespace: 'sagaflow',
  name: 'ResumeSaga',
  doc: 'An operator asks the owning service to retry the held-back messages of one saga now',
  fields,
});

/** Avro schema of `sagaflow.CancelSaga`. */
export const cancelSagaSchema: AvroRecordSchema = Object.freeze({
  type: 'record',
  namespace: 'sagaflow',
  name: 'CancelSaga',
  doc: 'An operator asks the owning service to compensate one running saga, as for a failure',
  fields,
});

/** The two operator command types of one service, on its {@link operatorCommandTopic}. */
export interface OperatorCommandTypes {
  readonly resume: MessageType<ResumeSagaCommand>;
  readonly cancel: MessageType<CancelSagaCommand>;
}

/**
 * The operator command message types addressed to `service` (key: the saga id, so one saga's commands
 * stay in order). A service subscribes to them on its own topic; the monitor publishes them.
 * @param prefix the deployment's framework prefix, '' by default.
 */
export function operatorCommandTypes(service: string, prefix = ''): OperatorCommandTypes {
  const topic = operatorCommandTopic(service, prefix);
  return Object.freeze({
    resume: defineMessage<ResumeSagaCommand>({
      topic,
      kind: 'command',
      key: (c) => c.sagaId,
      schema: resumeSagaSchema,
    }),
    cancel: defineMessage<CancelSagaCommand>({
      topic,
      kind: 'command',
      key: (c) => c.sagaId,
      schema: cancelSagaSchema,
    }),
  });
}
