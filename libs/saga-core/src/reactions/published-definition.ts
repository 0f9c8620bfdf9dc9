/**
 * One current entry of `sagaflow.definitions` as the cycle check reads it: the record's key, kind and
 * publishing service, and its `document` already parsed from JSON (a reactions document or a saga
 * definition document). Anything else in `document` is reported, never thrown.
 */
export interface PublishedDefinition {
  /** `saga:<type>` or `reactions:<service>`: compaction keeps the newest per key. */
  key: string;
  kind: string;
  service: string;
  document: unknown;
}
