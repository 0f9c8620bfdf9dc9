/** The account figures a charge is decided from (cents). */
export interface AccountBalance {
  creditLimit: number;
  charged: number;
  refunded: number;
}

/** Credit still available: the limit minus what is charged and not refunded. */
export function availableCredit(account: AccountBalance): number {
  return account.creditLimit - (account.charged - account.refunded);
}

/**
 * Whether `amount` cents may be charged to `account` (undefined: the customer has no account).
 * Pure; the caller holds the account row's lock, so two charges cannot both use the same credit.
 */
export function decideCharge(
  account: AccountBalance | undefined,
  customerId: string,
  amount: number,
): { ok: true } | { ok: false; reason: string } {
  if (!Number.isSafeInteger(amount) || amount <= 0)
    return { ok: false, reason: `invalid amount ${amount}: must be a positive number of cents` };
  if (!account) return { ok: false, reason: `no account for customer ${customerId}` };
  const available = availableCredit(account);
  if (amount > available)
    return {
      ok: false,
      reason: `credit limit exceeded: ${amount} cents requested, ${Math.max(available, 0)} available`,
    };
  return { ok: true };
}
