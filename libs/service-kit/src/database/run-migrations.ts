import type { Pool } from 'pg';

/** One versioned step of a service's own tables. Released steps never change; fixes are new versions. */
export interface ServiceMigration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Applies the migrations of `schema` this database has not seen, each in its own transaction, recorded
 * in `<schema>.schema_migrations`. Replicas starting together take turns on an advisory lock.
 * @throws Error naming the schema, version and name of a step that fails, or of an applied step whose name changed.
 */
export async function runServiceMigrations(
  pool: Pool,
  schema: string,
  migrations: readonly ServiceMigration[],
): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema))
    throw new Error(`migrations: schema name "${schema}" is not a plain identifier`);
  const client = await pool.connect();
  try {
    await client.query(/* sql */ `select pg_advisory_lock(hashtextextended($1, 0))`, [
      `${schema}.migrations`,
    ]);
    try {
      await client.query(/* sql */ `
        create schema if not exists ${schema};
        create table if not exists ${schema}.schema_migrations (
          version integer primary key,
          name text not null,
          applied_at timestamptz not null default now()
        );`);
      const applied = new Map(
        (
          await client.query<{ version: number; name: string }>(
            /* sql */ `select version, name from ${schema}.schema_migrations`,
          )
        ).rows.map((r) => [r.version, r.name]),
      );
      for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
        const known = applied.get(m.version);
        if (known !== undefined) {
          if (known !== m.name)
            throw new Error(
              `migration ${schema} v${m.version} was applied as "${known}" but the code calls it "${m.name}": a released migration was changed`,
            );
          continue;
        }
        try {
          await client.query('begin');
          await client.query(m.sql);
          await client.query(
            /* sql */ `insert into ${schema}.schema_migrations (version, name) values ($1, $2)`,
            [m.version, m.name],
          );
          await client.query('commit');
        } catch (cause) {
          await client.query('rollback').catch(() => undefined);
          throw new Error(
            `migration ${schema} v${m.version} "${m.name}" failed: ${(cause as Error).message}`,
            { cause },
          );
        }
      }
    } finally {
      await client
        .query(/* sql */ `select pg_advisory_unlock(hashtextextended($1, 0))`, [`${schema}.migrations`])
        .catch(() => undefined);
    }
  } finally {
    client.release();
  }
}
