/** One versioned SQL step of a library's tables; applied once per database, in version order. */
export interface Migration {
  /** Positive, strictly increasing within its set. */
  version: number;
  /** Human name, recorded beside the version; a different name for an applied version is an error. */
  name: string;
  /** Runs in one transaction together with the bookkeeping row. */
  sql: string;
}

/** The migrations one library ships, identified by `lib` in `sagaflow.schema_migrations`. */
export interface MigrationSet {
  lib: string;
  migrations: readonly Migration[];
}
