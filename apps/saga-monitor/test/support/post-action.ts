/** POSTs an operator action; returns status and body whatever the status. */
export async function postAction(
  baseUrl: string,
  sagaId: string,
  body: unknown,
  token?: string,
): Promise<{
  status: number;
  body: { action?: Record<string, unknown>; error?: { message: string; parameter?: string } };
}> {
  const res = await fetch(`${baseUrl}/api/sagas/${encodeURIComponent(sagaId)}/actions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as never };
}
