/**
 * JSON.parse keeps the last of two equal keys, so `{"name": "a", "name": "b"}` would be read as
 * something the caller may not have meant (and two parsers may read it differently). The body is
 * scanned once more for keys repeated within one object; the text is already valid JSON.
 * Answers the first repeated key and where it is (a path of keys and indexes), or undefined.
 */
export function findDuplicateKey(text: string): { readonly key: string; readonly path: string } | undefined {
  // One frame per open object or array: the keys seen so far (objects) or the next index (arrays).
  type Frame = { readonly keys: Set<string> | undefined; index: number; label: string };
  const stack: Frame[] = [];
  let pendingKey: string | undefined;
  let i = 0;
  const pathOf = () => stack.map((f) => f.label).filter((l) => l !== '').join('.');
  const readString = (): string => {
    const start = i;
    i += 1; // opening quote
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x5c) i += 2; // backslash: skip the escaped character
      else if (c === 0x22) break;
      else i += 1;
    }
    i += 1; // closing quote
    return JSON.parse(text.slice(start, i)) as string;
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      const top = stack[stack.length - 1];
      // A string is a key when it is inside an object and no key waits for its value.
      if (top?.keys && pendingKey === undefined) {
        const key = readString();
        if (top.keys.has(key)) return { key, path: pathOf() };
        top.keys.add(key);
        pendingKey = key;
      } else {
        readString();
        pendingKey = undefined;
      }
      continue;
    }
    if (c === '{' || c === '[') {
      const parent = stack[stack.length - 1];
      const label = parent === undefined ? '' : parent.keys ? (pendingKey ?? '') : String(parent.index);
      stack.push({ keys: c === '{' ? new Set() : undefined, index: 0, label });
      pendingKey = undefined;
    } else if (c === '}' || c === ']') {
      stack.pop();
      pendingKey = undefined;
    } else if (c === ',') {
      const top = stack[stack.length - 1];
      if (top && !top.keys) top.index += 1;
      pendingKey = undefined;
    }
    // ':' keeps the pending key until its value ends; numbers, literals and white space need nothing.
    i += 1;
  }
  return undefined;
}
