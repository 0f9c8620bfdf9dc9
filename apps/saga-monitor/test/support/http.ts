/** GETs JSON from the monitor; throws on a non-2xx answer so `waitFor` keeps polling. */
export async function getJson<T = unknown>(url: string, token?: string): Promise<T> {
  const res = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  if (!res.ok) throw new Error(`GET ${url} → ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** GETs and returns status and body, whatever the status. */
export async function get(
  url: string,
  token?: string,
): Promise<{ status: number; body: unknown; text: string }> {
  const res = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  const text = await res.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON (metrics, HTML)
  }
  return { status: res.status, body, text };
}
