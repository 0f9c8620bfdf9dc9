/**
 * @sagaflow/saga-core/graph — the pure graph algorithms behind the start-up cycle warning, in an entry
 * point that loads neither NestJS nor Kafka, so the saga monitor finds cycles with the same code.
 */
export { findElementaryCycles } from '../reactions/find-elementary-cycles';
export {
  findReactionCycles,
  type ReactionCycle,
  type ReactionCycleHop,
  type ReactionCycleAnalysis,
} from '../reactions/find-reaction-cycles';
export type { PublishedDefinition } from '../reactions/published-definition';
