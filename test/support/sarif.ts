import { readFileSync } from 'node:fs';
import AjvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';

const schema = JSON.parse(readFileSync(new URL('../schemas/sarif-schema-2.1.0.json', import.meta.url), 'utf8')) as object;
// CommonJS packages: their ES default import is `module.exports`, which carries `.default`.
const ajv = new AjvDraft04.default({ allErrors: true, strict: false });
ajvFormats.default(ajv);

/** The official SARIF 2.1.0 JSON schema (draft-04); `validateSarif.errors` says what is wrong. */
export const validateSarif = ajv.compile(schema);
