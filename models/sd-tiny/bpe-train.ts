// A small, deterministic BPE trainer producing CLIP's vocabulary layout: the 256 byte-level
// characters, the same 256 with "</w>" (end of word), then one token per merge in merge order.
// Every byte has a token, so any text encodes without an unknown token.

/**
 * GPT-2/CLIP's bytes_to_unicode: printable Latin-1 bytes map to themselves, the other 68 to
 * U+0100…, so every byte is one visible character. Returned in CLIP's vocabulary order.
 */
export function byteLevelAlphabet(): { byteToChar: string[]; order: string[] } {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const byteToChar: string[] = new Array(256);
  const order: string[] = [];
  for (const b of printable) order.push((byteToChar[b] = String.fromCharCode(b)));
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    if (byteToChar[b] === undefined) order.push((byteToChar[b] = String.fromCharCode(256 + extra++)));
  }
  return { byteToChar, order };
}

export interface BpeModel {
  /** Token strings in id order (without the two special tokens). */
  vocab: string[];
  /** Merges in rank order, each "left right". */
  merges: string[];
}

/**
 * Learns up to `maxMerges` merges from `words` (each counted once per occurrence). Each step merges
 * the most frequent adjacent pair; ties go to the pair whose "left right" string sorts first, so
 * the result depends on nothing but the input. Stops early when every word is one token.
 */
export function trainBpe(words: string[], maxMerges: number): BpeModel {
  const { byteToChar, order } = byteLevelAlphabet();
  const utf8 = new TextEncoder();
  const counts = new Map<string, number>();
  for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
  // Each distinct word as its symbol sequence, the last symbol carrying the end-of-word suffix.
  const seqs = [...counts.keys()].sort().map((w) => {
    const chars = Array.from(utf8.encode(w), (b) => byteToChar[b]);
    chars[chars.length - 1] += '</w>';
    return { symbols: chars, n: counts.get(w)! };
  });

  const vocab = [...order, ...order.map((c) => `${c}</w>`)];
  const known = new Set(vocab);
  const merges: string[] = [];
  while (merges.length < maxMerges) {
    const pairs = new Map<string, number>();
    for (const { symbols, n } of seqs) {
      for (let i = 0; i + 1 < symbols.length; i++) {
        const key = `${symbols[i]} ${symbols[i + 1]}`;
        pairs.set(key, (pairs.get(key) ?? 0) + n);
      }
    }
    let best: string | undefined;
    let bestCount = 0;
    for (const [key, c] of pairs) {
      if (c > bestCount || (c === bestCount && best !== undefined && key < best)) [best, bestCount] = [key, c];
    }
    if (best === undefined) break;
    merges.push(best);
    const [left, right] = best.split(' ');
    const merged = left + right;
    if (!known.has(merged)) {
      known.add(merged);
      vocab.push(merged);
    }
    for (const s of seqs) s.symbols = mergePair(s.symbols, left, right, merged);
  }
  return { vocab, merges };
}

function mergePair(symbols: string[], left: string, right: string, merged: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < symbols.length; i++) {
    if (i + 1 < symbols.length && symbols[i] === left && symbols[i + 1] === right) {
      out.push(merged);
      i++;
    } else {
      out.push(symbols[i]);
    }
  }
  return out;
}
