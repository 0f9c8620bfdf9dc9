/**
 * Calls the registry's Confluent API (`GET /subjects`); resolves when it answers 200 with a JSON array.
 * @param url the Confluent-compatible base URL, e.g. `http://127.0.0.1:8081/apis/ccompat/v7`
 */
export async function probeRegistry(url: string, timeoutMs = 2_000): Promise<void> {
  const response = await fetch(`${url}/subjects`, { signal: AbortSignal.timeout(timeoutMs) });
  if (response.status !== 200) {
    throw new Error(`GET ${url}/subjects answered ${response.status}: ${await response.text()}`);
  }
  const body: unknown = await response.json();
  if (!Array.isArray(body)) throw new Error(`GET ${url}/subjects did not answer a JSON array`);
}
