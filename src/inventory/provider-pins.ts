/**
 * The providers a request in the code lets OpenRouter route to (its `provider` options): `only` (or
 * `order` with `allow_fallbacks: false`) lists the ones allowed, `ignore` the ones left out. Names are
 * OpenRouter provider slugs or display names (`anthropic`, `Together`), compared loosely.
 */
export interface ProviderPins {
  only?: string[];
  ignore?: string[];
}

/** `Together AI`, `together-ai` and `togetherai` are one provider. */
function normalized(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Whether a provider, by its display name (and its endpoint tag, `provider/variant`), is one the pins allow. */
export function pinsAllow(pins: ProviderPins, providerName: string, tag?: string): boolean {
  const names = [providerName, ...(tag ? [tag.split('/')[0]!] : [])].map(normalized);
  const named = (list: readonly string[]): boolean => list.some((pinned) => names.includes(normalized(pinned)));
  if (pins.only && !named(pins.only)) return false;
  return !(pins.ignore && named(pins.ignore));
}

/** The pins as the code writes them, for a message: `provider.only: anthropic, openai`. */
export function describePins(pins: ProviderPins): string {
  return [pins.only && `provider.only: ${pins.only.join(', ')}`, pins.ignore && `provider.ignore: ${pins.ignore.join(', ')}`].filter(Boolean).join('; ');
}

/**
 * The pins of one `provider` object, from its string lists as read by the caller: `order` counts as `only`
 * when `allow_fallbacks` is false (no provider past the list is tried). Undefined when nothing is pinned.
 */
export function pinsOf(lists: { only?: string[]; order?: string[]; ignore?: string[] }, allowFallbacks: boolean | undefined): ProviderPins | undefined {
  const only = lists.only ?? (allowFallbacks === false ? lists.order : undefined);
  const pins: ProviderPins = { ...(only?.length ? { only } : {}), ...(lists.ignore?.length ? { ignore: lists.ignore } : {}) };
  return pins.only || pins.ignore ? pins : undefined;
}
