import type { Check } from './types.js';
import hardcodedKey from './hardcoded-key.js';
import httpsOnly from './https-only.js';
import maxTokens from './max-tokens.js';
import envFiles from './env-files.js';
import secretScanning from './secret-scanning.js';
import clientExposure from './client-exposure.js';
import clientResilience from './client-resilience.js';
import fallbackConfigured from './fallback-configured.js';
import attributionHeaders from './attribution-headers.js';
import auth from './auth.js';
import creditLimit from './credit-limit.js';
import keyRotation from './key-rotation.js';
import creditBalance from './credit-balance.js';
import modelAvailability from './model-availability.js';
import testCompletion from './test-completion.js';
import fallbackReachability from './fallback-reachability.js';

/** The built-in checks, in the order reports list them: static first, then remote. */
export const BUILT_IN_CHECKS: readonly Check[] = [
  hardcodedKey,
  httpsOnly,
  maxTokens,
  envFiles,
  secretScanning,
  clientExposure,
  clientResilience,
  fallbackConfigured,
  attributionHeaders,
  auth,
  creditLimit,
  keyRotation,
  creditBalance,
  modelAvailability,
  testCompletion,
  fallbackReachability,
];
