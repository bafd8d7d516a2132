/**
 * FNV-1a, 32 bits, of a text's UTF-16 code units: the cheap deterministic
 * hash the simulator derives names, addresses and log lines from (the API
 * machinery's `pod-template-hash` is FNV-32a too).
 */
export function fnv1a32(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}
