/** Lone UTF-16 surrogates: no IRI (encodeURIComponent throws) nor UTF-8 file can hold one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `text` with each lone surrogate replaced by U+FFFD (String.prototype.toWellFormed, which Node 20's lib typing lacks). */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}
