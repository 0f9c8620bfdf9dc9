import { z } from 'zod';

const reason = z
  .string({ error: 'reason is required: say why, it goes into the audit record' })
  .trim()
  .min(3, 'reason must say why (at least 3 characters)')
  .max(2000, 'reason must be at most 2000 characters');

// who: the token says the caller may operate, the name says which person did (recorded, never trusted for access)
const operator = z
  .string({ error: 'operator is required: the name of the person acting' })
  .trim()
  .min(1, 'operator must name the person acting')
  .max(200, 'operator must be at most 200 characters');

const deadLetter = z
  .object({
    topic: z.string().regex(/^[A-Za-z0-9._-]+\.dlt$/, 'deadLetter.topic must be a *.dlt topic'),
    partition: z.number().int().min(0),
    offset: z.string().regex(/^\d+$/, 'deadLetter.offset must be a decimal offset'),
  })
  .strict();

/** The body of `POST /api/sagas/:id/actions`, validated strictly (an unknown field is an error). */
export const actionRequestSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('retry-dead-letter'), reason, operator, deadLetter }).strict(),
  z.object({ action: z.literal('discard-dead-letter'), reason, operator, deadLetter }).strict(),
  z.object({ action: z.literal('resume'), reason, operator }).strict(),
  z.object({ action: z.literal('cancel'), reason, operator }).strict(),
]);

/** One operator action as asked for. */
export type ActionRequest = z.infer<typeof actionRequestSchema>;

/** The action names. */
export type ActionKind = ActionRequest['action'];

/** An action the monitor refuses for a reason the caller can act on (404 no such saga, 409 already done…). */
export class ActionRefused extends Error {
  override readonly name = 'ActionRefused';
  constructor(
    readonly status: 400 | 404 | 409 | 503,
    message: string,
  ) {
    super(message);
  }
}
