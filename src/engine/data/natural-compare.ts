/**
 * Natural order for folder and file names ("2" < "10"), independent of the locale so every machine
 * sorts a dataset the same way (class indices must not depend on where the run happens).
 */
const CHUNK = /(\d+)|(\D+)/g;

function chunks(s: string): string[] {
  return s.match(CHUNK) ?? [];
}

function compareDigits(a: string, b: string): number {
  // Compare by value without Number(): digit runs may be longer than 2^53.
  const ta = a.replace(/^0+(?=\d)/, '');
  const tb = b.replace(/^0+(?=\d)/, '');
  if (ta.length !== tb.length) return ta.length - tb.length;
  return ta < tb ? -1 : ta > tb ? 1 : 0;
}

export function naturalCompare(a: string, b: string): number {
  const ca = chunks(a);
  const cb = chunks(b);
  const n = Math.min(ca.length, cb.length);
  for (let i = 0; i < n; i++) {
    const x = ca[i];
    const y = cb[i];
    const dx = x.charCodeAt(0) >= 48 && x.charCodeAt(0) <= 57;
    const dy = y.charCodeAt(0) >= 48 && y.charCodeAt(0) <= 57;
    const c = dx && dy ? compareDigits(x, y) : x < y ? -1 : x > y ? 1 : 0;
    if (c !== 0) return c;
  }
  if (ca.length !== cb.length) return ca.length - cb.length;
  // Equal in value ("01" vs "1"): fall back to code units so the order is still total.
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Plain code-unit order: what Python's sorted() gives (Keras image_dataset_from_directory, torchvision ImageFolder). */
export function lexicographicCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
