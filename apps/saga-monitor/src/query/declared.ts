import type { Pool } from 'pg';
import { declaredReactions, type DeclaredReactions } from '../flows/declared-reactions';
import { listDefinitions } from './definitions';

/** Every reaction declared by the current definitions (newest of each key) in the projection. */
export async function loadDeclaredReactions(pool: Pool): Promise<DeclaredReactions> {
  return declaredReactions(await listDefinitions(pool));
}
