import type { Node } from 'web-tree-sitter';
import type { PythonCallMatchAt } from './find-python-calls.js';
import { PYTHON_CALL_STYLES } from './python-calls.js';
import { calleeName, parameterName, positionalArguments } from './python-scope.js';
import type { PythonModuleScope } from './python-scope.js';

const HTTP_METHODS = new Set(['post', 'request', 'stream']);
const CHAT_PATHS = ['/completions'];
const RESPONSES_PATHS = ['/responses'];
const BODY_KEYWORDS = ['json', 'data', 'content'];

/**
 * One level of project helper around an HTTP client: `def _request_with_retry(url, payload): … requests.post(url,
 * json=payload, timeout=…)` called as `_request_with_retry(OPENROUTER_URL, body)`. The URL the post sends to is a
 * parameter, so the post alone is no completion request: each call of the helper in the module that passes a
 * completion URL is one, at the caller, with the caller's body and the post's own timeout and headers.
 */
export function forwardedHttpCalls(module: PythonModuleScope, matched: ReadonlySet<number>): PythonCallMatchAt[] {
  const found: PythonCallMatchAt[] = [];
  for (const call of module.calls) {
    if (matched.has(call.id)) continue;
    const callee = call.childForFieldName('function');
    const method = calleeName(callee);
    const args = call.childForFieldName('arguments');
    if (callee?.type !== 'attribute' || method === undefined || !HTTP_METHODS.has(method) || args?.type !== 'argument_list') continue;
    const helperScope = module.scopeOf(call);
    const helper = helperScope.node;
    const helperName = helper.type === 'function_definition' ? helper.childForFieldName('name')?.text : undefined;
    if (helperName === undefined) continue;
    const positional = positionalArguments(args);
    const url = (method === 'post' ? positional[0] : positional[1]) ?? module.keywordArgument(args, 'url');
    const parameters = (helper.childForFieldName('parameters')?.namedChildren ?? []).map((parameter) => parameterName(parameter)?.text);
    const urlIndex = url?.type === 'identifier' ? parameters.indexOf(url.text) : -1;
    if (urlIndex < 0) continue;
    const bodyKeyword = BODY_KEYWORDS.find((keyword) => module.keywordArgument(args, keyword) !== undefined);
    const body = bodyKeyword === undefined ? undefined : module.keywordArgument(args, bodyKeyword);
    const bodyIndex = body?.type === 'identifier' ? parameters.indexOf(body.text) : -1;
    for (const caller of module.calls) {
      const callerCallee = caller.childForFieldName('function');
      const viaSelf = callerCallee?.type === 'attribute' && callerCallee.childForFieldName('object')?.text === 'self';
      const isHelper = (callerCallee?.type === 'identifier' && callerCallee.text === helperName) || (viaSelf && calleeName(callerCallee) === helperName);
      const callerArgs = caller.childForFieldName('arguments');
      if (!isHelper || callerArgs?.type !== 'argument_list') continue;
      const shift = viaSelf && parameters[0] === 'self' ? 1 : 0;
      const argumentFor = (index: number): Node | undefined =>
        positionalArguments(callerArgs)[index - shift] ?? module.keywordArgument(callerArgs, parameters[index] ?? '');
      const callerUrl = argumentFor(urlIndex);
      if (!callerUrl) continue;
      const urlText = module.partialTextOf(callerUrl, module.scopeOf(caller)).split(/[?#]/, 1)[0]!.replace(/\/+$/, '');
      const responses = RESPONSES_PATHS.some((path) => urlText.endsWith(path));
      if (!responses && !CHAT_PATHS.some((path) => urlText.endsWith(path))) continue;
      const style = PYTHON_CALL_STYLES.find(
        (candidate) => candidate.name === 'raw HTTP' && candidate.capKeys.includes(responses ? 'max_output_tokens' : 'max_tokens'),
      )!;
      const callerBody = bodyIndex >= 0 ? argumentFor(bodyIndex) : body;
      if (!callerBody) continue;
      found.push({
        call,
        scope: helperScope,
        style,
        at: caller,
        match: {
          callee: `${helperName}()`,
          payload: { kind: 'body', body: callerBody, serialised: bodyKeyword !== 'json' },
          url: callerUrl,
        },
      });
    }
  }
  return found;
}
