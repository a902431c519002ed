// The one escaping function for report.html: every string from a suite, a model or the machine
// goes through it, whether it lands in text, an attribute or inline SVG.
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (ch) => ENTITIES[ch] ?? ch);
}
