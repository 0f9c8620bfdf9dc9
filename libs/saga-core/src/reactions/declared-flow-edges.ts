import type { PublishedDefinition } from './published-definition';

/**
 * One edge of the combined flow graph: when a message of type `consumes` reaches `service`, `handler`
 * may cause a message of type `emits`.
 */
export interface FlowEdge {
  consumes: string;
  emits: string;
  service: string;
  /** `Class.method` for a reaction or command handler; `saga <type>` for a saga started by `consumes`. */
  handler: string;
}

/** The edges declared by a set of definitions, and what could not be turned into edges. */
export interface DeclaredFlowEdges {
  edges: FlowEdge[];
  /** Handlers that do not declare what they emit (`service: Class.method (consumes)`): they add no edge. */
  undeclared: string[];
  /** One line per document or entry that could not be read, naming its key. */
  problems: string[];
}

type Doc = Record<string, unknown>;

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((e) => typeof e === 'string');

/**
 * Turns reactions documents and saga definition documents into edges between message types.
 *
 * - A reaction or command handler consuming X that declares `emits: [Y, Z]` gives X → Y and X → Z.
 * - A saga gives an edge from each type that **starts** it (`starter`) to every command it may send
 *   (steps and compensations): an instance started by X may, over its life, send any of them. Its other
 *   handlers give none: they continue an instance whose state sends each step at most once, so a loop
 *   through them is the saga's own request/reply and ends with the saga (docs/decisions/0034).
 *
 * Pure; documents come from Kafka, so malformed ones are named in `problems` and skipped.
 */
export function declaredFlowEdges(definitions: readonly PublishedDefinition[]): DeclaredFlowEdges {
  const out: DeclaredFlowEdges = { edges: [], undeclared: [], problems: [] };
  for (const d of definitions) {
    const doc = d.document as Doc | null;
    if (doc === null || typeof doc !== 'object') {
      out.problems.push(`${d.key}: no readable document`);
    } else if (d.kind === 'reactions') {
      reactionEdges(d, doc, out);
    } else if (d.kind === 'saga') {
      sagaEdges(d, doc, out);
    } else {
      out.problems.push(`${d.key}: unknown kind ${JSON.stringify(d.kind)}`);
    }
  }
  return out;
}

function reactionEdges(d: PublishedDefinition, doc: Doc, out: DeclaredFlowEdges): void {
  if (!Array.isArray(doc.reactions)) {
    out.problems.push(`${d.key}: reactions document without a reactions list`);
    return;
  }
  const service = typeof doc.service === 'string' ? doc.service : d.service;
  for (const [i, raw] of (doc.reactions as unknown[]).entries()) {
    const r = raw as Doc | null;
    if (typeof r?.consumes !== 'string' || typeof r.handler !== 'string') {
      out.problems.push(`${d.key}: reaction #${i} is malformed`);
      continue;
    }
    if (r.emits === null || r.emits === undefined) {
      out.undeclared.push(`${service}: ${r.handler} (${r.consumes})`);
      continue;
    }
    if (!isStringList(r.emits)) {
      out.problems.push(`${d.key}: reaction #${i} has a malformed emits list`);
      continue;
    }
    for (const emits of r.emits) out.edges.push({ consumes: r.consumes, emits, service, handler: r.handler });
  }
}

function sagaEdges(d: PublishedDefinition, doc: Doc, out: DeclaredFlowEdges): void {
  if (!Array.isArray(doc.handles) || !Array.isArray(doc.steps)) {
    out.problems.push(`${d.key}: saga document without steps and handles`);
    return;
  }
  const sagaType = typeof doc.sagaType === 'string' ? doc.sagaType : d.key;
  const sends = new Set<string>();
  for (const s of doc.steps as (Doc | null)[]) {
    for (const c of [s?.command, s?.compensation]) if (typeof c === 'string') sends.add(c);
  }
  for (const h of doc.handles as (Doc | null)[]) {
    if (typeof h?.messageType !== 'string') {
      out.problems.push(`${d.key}: a handler entry is malformed`);
      continue;
    }
    if (h.starter !== true) continue;
    for (const emits of [...sends].sort())
      out.edges.push({ consumes: h.messageType, emits, service: d.service, handler: `saga ${sagaType}` });
  }
}
