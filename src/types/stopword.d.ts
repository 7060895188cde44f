// stopword 3 ships no types; we use its word lists only.
declare module 'stopword' {
  export const eng: readonly string[];
  export const hye: readonly string[];
  export const rus: readonly string[];
}
