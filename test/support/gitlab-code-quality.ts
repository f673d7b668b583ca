import { readFileSync } from 'node:fs';
import Ajv from 'ajv';

const schema = JSON.parse(readFileSync(new URL('../schemas/gitlab-code-quality.json', import.meta.url), 'utf8')) as object;
// CommonJS package: its ES default import is `module.exports`, which carries `.default`.
const ajv = new Ajv.default({ allErrors: true });

/** GitLab's Code Quality report format (test/schemas/gitlab-code-quality.json); `validateCodeQuality.errors` says what is wrong. */
export const validateCodeQuality = ajv.compile(schema);
