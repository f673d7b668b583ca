/**
 * An amount of OpenRouter credits as people read it (1 credit = 1 USD): `$7.50`, and small
 * amounts such as the cost of a 1-token completion with their significant digits, `$0.0000018`.
 */
export function formatCredits(usd: number): string {
  if (usd === 0 || Math.abs(usd) >= 0.01) return `$${usd.toFixed(2)}`;
  const digits = Math.min(12, Math.max(2, 1 - Math.floor(Math.log10(Math.abs(usd)))));
  return `$${usd.toFixed(digits).replace(/0+$/, '')}`;
}
