/** One stored record of a flow, as the flow logic reads it (a projection of `monitor.message`). */
export interface FlowMessage {
  topic: string;
  partition: number;
  /** Kafka offset, decimal. */
  offset: string;
  messageId: string | null;
  messageType: string | null;
  causationId: string | null;
  /** The service that wrote it (`source` header). */
  source: string | null;
  sagaType: string | null;
  /** When it happened: `occurred-at`, else the Kafka timestamp. ISO-8601. */
  at: string;
  /** A copy on a `*.dlt` topic: the original failed in some consumer. */
  deadLetter: boolean;
}

/** Records the framework writes about itself (lifecycle, definitions): no choreography reacts to them by contract. */
export function isFrameworkType(type: string | null): boolean {
  return type !== null && type.startsWith('sagaflow.');
}

/** Full name of the definition records: their correlation id is the publisher's, not a flow's. */
export const definitionType = 'sagaflow.DefinitionPublished';
