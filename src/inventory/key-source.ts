/** How a key's source is named, from the text of the expression that supplies it. */
export function keySourceOf(text: string): string | undefined {
  const env =
    /(?:process\.env|import\.meta\.env|os\.environ(?!\.get\())(?:\.|\[\s*["'`])([A-Za-z_][A-Za-z0-9_]*)|(?:getenv|environ\.get)\(\s*["']([A-Za-z_][A-Za-z0-9_]*)/.exec(
      text,
    );
  if (env) return `environment variable ${env[1] ?? env[2]}`;
  if (/^\s*f?["'`]/.test(text)) return 'a string in the code';
  return undefined;
}
