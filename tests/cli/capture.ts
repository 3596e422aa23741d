// What a CLI command writes, captured: main() takes any sink with write().
export function capture() {
  let text = '';
  return { write: (s: string) => ((text += s), true), get text() { return text; } };
}
