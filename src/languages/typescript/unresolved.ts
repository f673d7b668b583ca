import type ts from 'typescript';

/** Why a request's options could not be followed to the keys they hold, kept as data until a message is written. */
export type Unresolved =
  /** `declaration`: the function whose parameter it is, so its callers can be asked what they pass. */
  | { why: 'parameter'; name: string; owner: string; declaration?: ts.SignatureDeclaration }
  /** `detail`: why the import could not be followed into the project's own file ("which is not among the audited files"). */
  | { why: 'import'; name: string; from: string; detail?: string }
  | { why: 'not-const'; name: string }
  | { why: 'not-object'; text: string }
  | { why: 'spread'; text: string; cause: Unresolved }
  | { why: 'computed-key'; text: string }
  | { why: 'not-json-body' }
  | { why: 'circular'; name: string }
  | { why: 'too-complex'; text: string };

/** What the unresolved value is, for the sentence: options passed to an SDK, or a request body. */
export type Subject = 'options' | 'the body' | 'the request init';

/** A clause for a finding: "options come from parameter `opts` of `callModel`". */
export function explainUnresolved(unresolved: Unresolved, subject: Subject): string {
  const comeFrom = subject === 'options' ? 'options come from' : `${subject} comes from`;
  switch (unresolved.why) {
    case 'parameter':
      return `${comeFrom} parameter \`${unresolved.name}\` of ${unresolved.owner}`;
    case 'import':
      return `${comeFrom} \`${unresolved.name}\`, imported from '${unresolved.from}'${unresolved.detail ? `, ${unresolved.detail}` : ''}`;
    case 'not-object':
      return `${comeFrom} \`${unresolved.text}\`, which is not an object this file defines`;
    default:
      return describe(unresolved);
  }
}

/** A clause that names its own subject, so it also reads inside another one: "spread of `a` could not be resolved (…)". */
function describe(unresolved: Unresolved): string {
  switch (unresolved.why) {
    case 'parameter':
      return `parameter \`${unresolved.name}\` of ${unresolved.owner}`;
    case 'import':
      return `\`${unresolved.name}\` is imported from '${unresolved.from}'${unresolved.detail ? `, ${unresolved.detail}` : ''}`;
    case 'not-const':
      return `\`${unresolved.name}\` is not a const object in this file`;
    case 'not-object':
      return `\`${unresolved.text}\` is not an object this file defines`;
    case 'spread': {
      const cause = unresolved.cause.why === 'not-object' && unresolved.cause.text === unresolved.text ? '' : ` (${describe(unresolved.cause)})`;
      return `spread of \`${unresolved.text}\` could not be resolved${cause}`;
    }
    case 'computed-key':
      return `computed key \`[${unresolved.text}]\` could not be resolved`;
    case 'not-json-body':
      return `the body is not JSON.stringify(...)`;
    case 'circular':
      return `\`${unresolved.name}\` refers to itself`;
    case 'too-complex':
      return `\`${unresolved.text}\` has too many branches or levels to follow`;
  }
}
