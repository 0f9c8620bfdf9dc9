/**
 * Hides the secrets a connection string or URL may carry: the password of `scheme://user:password@host`,
 * and `password=` / `access_token=` / `token=` values in query strings and libpq key=value strings.
 * Applied to every error text and log line the monitor writes, so a pg or kafkajs error that quotes its
 * connection string never prints the password.
 */
export function redactSecrets(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*):([^@/\s]*)@/gi, '$1:***@')
    .replace(/\b(password|passwd|access_token|token|sslkey|sslpassword)=([^&\s'"]+)/gi, '$1=***');
}

/** A request target fit for a log line: the path and its query, with `access_token` values hidden. */
export function loggableUrl(rawUrl: string | undefined): string {
  return redactSecrets(rawUrl ?? '/');
}
