import { defineMessage, type AvroRecordSchema, type MessageType } from '@sagaflow/outbox-relay';

/**
 * The operator commands the monitor sends, as saga-core defines them in
 * `libs/saga-core/src/lifecycle/operator-commands.ts`. The monitor does not import saga-core at run time
 * (it would drag NestJS in), so this is the same schema written here, and
 * `operator-command-types.unit.spec.ts` fails when the two differ.
 */
export interface OperatorCommand {
  actionId: string;
  sagaId: string;
  sagaType: string;
  operator: string;
  reason: string;
  requestedAt: string;
}

/** `<prefix>sagaflow.<service>.operator`, the service's framework command topic. */
export function operatorCommandTopic(service: string, prefix: string): string {
  return `${prefix}sagaflow.${service}.operator`;
}

const fields: AvroRecordSchema['fields'] = [
  { name: 'actionId', type: 'string' },
  { name: 'sagaId', type: 'string' },
  { name: 'sagaType', type: 'string' },
  { name: 'operator', type: 'string' },
  { name: 'reason', type: 'string' },
  { name: 'requestedAt', type: 'string', doc: 'ISO-8601' },
];

/** The schemas by action, equal to saga-core's `resumeSagaSchema` and `cancelSagaSchema`. */
export const operatorCommandSchemas = Object.freeze({
  resume: Object.freeze({
    type: 'record',
    namespace: 'sagaflow',
    name: 'ResumeSaga',
    doc: 'An operator asks the owning service to retry the held-back messages of one saga now',
    fields,
  } satisfies AvroRecordSchema),
  cancel: Object.freeze({
    type: 'record',
    namespace: 'sagaflow',
    name: 'CancelSaga',
    doc: 'An operator asks the owning service to compensate one running saga, as for a failure',
    fields,
  } satisfies AvroRecordSchema),
});

const cache = new Map<string, MessageType<OperatorCommand>>();

/** The message type of `action` addressed to `service` (cached: one per topic and action). */
export function operatorCommandType(
  action: 'resume' | 'cancel',
  service: string,
  prefix: string,
): MessageType<OperatorCommand> {
  const topic = operatorCommandTopic(service, prefix);
  const id = `${action} ${topic}`;
  let type = cache.get(id);
  if (!type) {
    type = defineMessage<OperatorCommand>({
      topic,
      kind: 'command',
      key: (c) => c.sagaId,
      schema: operatorCommandSchemas[action],
    });
    cache.set(id, type);
  }
  return type;
}
