/** A definition as the flow logic needs it: what `GET /api/definitions` returns, reduced. */
export interface DefinitionInput {
  key: string;
  kind: string;
  service: string;
  /** A reactions document or a saga definition document, as published; anything else is reported. */
  document: unknown;
}

/** One thing a service declared it does when a message of some type reaches it. */
export interface DeclaredReaction {
  service: string;
  /** `Class.method` for reactions, `Saga <type>.<method>` for a saga's handlers. */
  handler: string;
  /** Full name of the message type consumed. */
  consumes: string;
  kind: 'command' | 'event';
  /** Types it may emit; null when the handler does not say. */
  emits: string[] | null;
  /** From a service's reactions document, or from a saga definition (its handlers; it may send any of its step commands). */
  from: 'reactions' | 'saga';
  /** For a saga's handler: it starts an instance (a new instance may send every step again). */
  starter?: boolean;
}

/** The reactions declared across every current definition, and the documents that could not be read. */
export interface DeclaredReactions {
  reactions: DeclaredReaction[];
  /** One line per document or entry ignored, naming its key. */
  problems: string[];
}

/**
 * Reads every service's reactions document and every saga definition into one list of reactions.
 * Documents are JSON from Kafka: anything malformed is skipped and named in `problems`, never thrown.
 */
export function declaredReactions(definitions: readonly DefinitionInput[]): DeclaredReactions {
  const reactions: DeclaredReaction[] = [];
  const problems: string[] = [];
  for (const d of definitions) {
    const doc = d.document as Record<string, unknown> | null;
    if (doc === null || typeof doc !== 'object') {
      problems.push(`${d.key}: no readable document`);
      continue;
    }
    if (d.kind === 'reactions') {
      const list = Array.isArray(doc.reactions) ? (doc.reactions as unknown[]) : null;
      if (!list) {
        problems.push(`${d.key}: reactions document without a reactions list`);
        continue;
      }
      for (const [i, raw] of list.entries()) {
        const r = raw as Record<string, unknown> | null;
        const emits = r?.emits;
        if (
          typeof r?.consumes !== 'string' ||
          typeof r.handler !== 'string' ||
          (emits !== null && !(Array.isArray(emits) && emits.every((e) => typeof e === 'string')))
        ) {
          problems.push(`${d.key}: reaction #${i} is malformed`);
          continue;
        }
        reactions.push({
          service: typeof doc.service === 'string' ? doc.service : d.service,
          handler: r.handler,
          consumes: r.consumes,
          kind: r.kind === 'command' ? 'command' : 'event',
          emits: emits === null ? null : [...(emits as string[])],
          from: 'reactions',
        });
      }
    } else if (d.kind === 'saga') {
      const steps = Array.isArray(doc.steps) ? (doc.steps as Record<string, unknown>[]) : [];
      const handles = Array.isArray(doc.handles) ? (doc.handles as Record<string, unknown>[]) : null;
      if (!handles) {
        problems.push(`${d.key}: saga document without handles`);
        continue;
      }
      const sends = [
        ...new Set(
          steps.flatMap((s) =>
            [s?.command, s?.compensation].filter((c): c is string => typeof c === 'string'),
          ),
        ),
      ];
      const sagaType = typeof doc.sagaType === 'string' ? doc.sagaType : d.key;
      for (const h of handles) {
        if (typeof h?.messageType !== 'string' || typeof h.method !== 'string') {
          problems.push(`${d.key}: a handler entry is malformed`);
          continue;
        }
        reactions.push({
          service: d.service,
          handler: `Saga ${sagaType}.${h.method}`,
          consumes: h.messageType,
          kind: 'event',
          emits: sends,
          from: 'saga',
          starter: h.starter === true,
        });
      }
    }
  }
  return { reactions, problems };
}
