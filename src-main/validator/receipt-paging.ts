/**
 * Receipts paged between validators: `GET /v1/receipts?after=CURSOR&limit=N` answers at most N
 * receipts (never more, whatever their timestamps) and the cursor of the next page. A cursor is
 * `<issuedAt>-<seq>`, opaque to the peer: seq is the serving store's row number, which tells
 * receipts of the same millisecond apart (a flood signed with one timestamp once made pages grow
 * without bound).
 */
import { z } from 'zod';
import { MAX_RECEIPT_PAGE, type ReceiptCursor } from './store';

/** Receipts a page holds unless the peer asks for fewer; about 200 KB of JSON. */
export const DEFAULT_RECEIPT_PAGE = 250;

const CURSOR = /^(\d{1,15})-(\d{1,15})$/;

export function formatCursor(c: ReceiptCursor): string {
  return `${c.issuedAt}-${c.seq}`;
}

/** The cursor in `text`; throws a RangeError when it is not one. */
export function parseCursor(text: string): ReceiptCursor {
  const m = CURSOR.exec(text);
  if (!m) throw new RangeError('a cursor is <issuedAt>-<seq>, two whole numbers');
  return { issuedAt: Number(m[1]), seq: Number(m[2]) };
}

/** The query of `GET /v1/receipts`: anything else is refused with a reason (400), never a 500. */
export const ReceiptQuerySchema = z.strictObject({
  after: z.string().regex(CURSOR, 'expected <issuedAt>-<seq>, two whole numbers').optional(),
  limit: z
    .string()
    .regex(/^\d{1,4}$/, `expected a whole number from 1 to ${MAX_RECEIPT_PAGE}`)
    .transform(Number)
    .pipe(z.number().int().min(1).max(MAX_RECEIPT_PAGE))
    .optional(),
});

/**
 * A page as a peer answers a request without `limit` (DEFAULT_RECEIPT_PAGE): a longer one is
 * refused whole; its receipts are each checked on their own afterwards.
 */
export const ReceiptPageSchema = z.object({
  receipts: z.array(z.unknown()).max(DEFAULT_RECEIPT_PAGE),
  next: z.string().regex(CURSOR).nullable(),
});
