import type { Check } from './types.js';
import hardcodedKey from './hardcoded-key.js';
import httpsOnly from './https-only.js';
import maxTokens from './max-tokens.js';
import auth from './auth.js';
import creditLimit from './credit-limit.js';
import modelAvailability from './model-availability.js';
import testCompletion from './test-completion.js';
import fallbackReachability from './fallback-reachability.js';

/** The built-in checks, in the order reports list them: static first, then remote. */
export const BUILT_IN_CHECKS: readonly Check[] = [
  hardcodedKey,
  httpsOnly,
  maxTokens,
  auth,
  creditLimit,
  modelAvailability,
  testCompletion,
  fallbackReachability,
];
