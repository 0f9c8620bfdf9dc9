/**
 * Decodes one `%`-escaped path segment; null when an escape is malformed (`%zz`, a lone `%`, broken
 * UTF-8), so the caller answers 400 instead of letting a URIError become a 500.
 */
export function decodePathSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
