import type { SagaflowLogger } from '../observability/json-logger';
import { findReactionCycles, type ReactionCycle } from './find-reaction-cycles';
import type { PublishedDefinition } from './published-definition';
import type { PublishedDefinitionsRead } from './read-published-definitions';

/** The result of the start-up cycle check of one service. */
export interface ReactionCycleReport {
  /** The cycles this service takes part in (the monitor shows every cycle of the system). */
  cycles: ReactionCycle[];
  /** Definitions considered: the service's own plus the current ones read from `sagaflow.definitions`. */
  definitions: number;
  /**
   * False when `sagaflow.definitions` could not be read to its end (deadline, stop, broker error): a
   * cycle through a service not read yet may be missing.
   */
  complete: boolean;
  /** Handlers anywhere that do not declare what they emit, so no loop through them can be seen. */
  undeclared: string[];
}

/** Inputs of {@link checkReactionCycles}. */
export interface CheckReactionCyclesInput {
  service: string;
  /** This service's definitions, as it publishes them: they replace older copies read from the topic. */
  own: readonly PublishedDefinition[];
  /** Reads the other services' definitions (see readPublishedDefinitions). */
  read: () => Promise<PublishedDefinitionsRead>;
  logger: SagaflowLogger;
}

/**
 * The start-up check: the service's own definitions plus every other current one, searched for cycles;
 * one WARNING per cycle this service is on, naming the chain. It never throws and never stops start-up:
 * a cycle may be intended (a bounded retry loop) and the check can only see what is declared.
 */
export async function checkReactionCycles(input: CheckReactionCyclesInput): Promise<ReactionCycleReport> {
  const { service, own, logger } = input;
  let read: PublishedDefinitionsRead = { definitions: [], complete: false, unreadable: 0 };
  try {
    read = await input.read();
  } catch (error) {
    logger.warn('reaction cycle check could not read sagaflow.definitions; checked own definitions only', {
      error,
    });
  }
  const ownKeys = new Set(own.map((d) => d.key));
  const definitions = [...read.definitions.filter((d) => !ownKeys.has(d.key)), ...own];
  const analysis = findReactionCycles(definitions);
  const cycles = analysis.cycles.filter((c) => c.services.includes(service));
  for (const cycle of cycles) {
    logger.warn(`reaction cycle: ${cycle.chain}`, {
      chain: cycle.chain,
      hops: cycle.hops.map((h) => `${h.consumes} → ${h.service} (${h.handlers.join(', ')}) → ${h.emits}`),
      hint: 'each event in the chain causes the next, so one message can cause an endless flow; break the loop or make a reaction stop it',
    });
  }
  if (!read.complete || read.unreadable > 0) {
    logger.info('reaction cycle check read part of sagaflow.definitions', {
      complete: read.complete,
      unreadable: read.unreadable,
    });
  }
  return {
    cycles,
    definitions: definitions.length,
    complete: read.complete,
    undeclared: analysis.undeclared,
  };
}
