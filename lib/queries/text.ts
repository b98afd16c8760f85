/** Cuts text to at most `maxLength` characters at a word boundary, marking the cut with an ellipsis. */
export function excerpt(text: string, maxLength: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= maxLength) return flat;
  const cut = flat.slice(0, maxLength - 1);
  const lastSpace = cut.lastIndexOf(" ");
  // A very long first word is cut mid-word rather than leaving almost nothing.
  const end = lastSpace > maxLength / 2 ? lastSpace : cut.length;
  return `${cut.slice(0, end).trimEnd()}…`;
}
