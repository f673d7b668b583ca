/**
 * An amount of OpenRouter credits as people read it (1 credit = 1 USD): `$7.50`, `-$0.12` for an
 * overspent key, and small amounts such as the cost of a 1-token completion with their
 * significant digits, `$0.0000018`.
 */
export function formatCredits(usd: number): string {
  const sign = usd < 0 ? '-' : '';
  const amount = Math.abs(usd);
  if (amount === 0 || amount >= 0.01) return `${sign}$${amount.toFixed(2)}`;
  const digits = Math.min(12, Math.max(2, 1 - Math.floor(Math.log10(amount))));
  return `${sign}$${amount.toFixed(digits).replace(/0+$/, '')}`;
}
