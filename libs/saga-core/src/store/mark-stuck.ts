import type { ClientBase } from 'pg';

/**
 * Records on the instance that a message for it was dead-lettered, so the monitor shows it stuck with the
 * error. Cleared by nothing automatically: an operator replays the dead letter, or ends the saga.
 * @returns the id of the instance marked, or undefined when none correlates.
 */
export async function markStuck(
  client: ClientBase,
  where: { sagaId: string } | { type: string; correlationKey: string },
  code: string,
  reason: string,
): Promise<string | undefined> {
  const [condition, params] =
    'sagaId' in where
      ? ['id = $3', [where.sagaId]]
      : ['type = $3 and correlation_key = $4', [where.type, where.correlationKey]];
  const result = await client.query<{ id: string }>(
    /* sql */ `update sagaflow.saga_instance set stuck_code = $1, stuck_reason = $2, stuck_at = now()
                where ${condition} returning id`,
    [code, reason, ...params],
  );
  return result.rows[0]?.id;
}
