/** The project's repository, as package.json's `repository` and `homepage` name it. */
export const REPOSITORY_URL = 'https://github.com/openrouter-check/openrouter-check';

/** Where the built-in checks' pages are published: `docs/checks/<id>.md` on the main branch. */
const CHECK_DOCS_BASE = `${REPOSITORY_URL}/blob/main/docs/checks/`;

/** The page of a built-in check (a plugin check has none): `…/docs/checks/max-tokens.md`. */
export function docsUrlFor(id: string): string {
  return `${CHECK_DOCS_BASE}${id}.md`;
}
