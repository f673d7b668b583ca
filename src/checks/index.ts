import type { Check } from './types.js';
import hardcodedKey from './hardcoded-key.js';
import httpsOnly from './https-only.js';
import maxTokens from './max-tokens.js';

/** The built-in checks, in the order reports list them. */
export const BUILT_IN_CHECKS: readonly Check[] = [hardcodedKey, httpsOnly, maxTokens];
