// One way to show a size in a message, for the web pages and the operators' commands alike.
// Units are powers of 1024 written KB/MB/GB, as the upload pages have always said them ("at most
// 5 MB" for 5 × 1024 × 1024): that is what users read most. KB are whole; larger units keep one
// decimal unless it is 0 ("1.5 MB", "16 MB"), so a limit reads the same on every page and command.

const larger = ['MB', 'GB', 'TB'] as const;

const oneDecimal = (value: number) => Math.round(value * 10) / 10;

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return bytes === 1 ? '1 byte' : `${bytes} bytes`;
  // A unit is chosen by the rounded value, so 1,048,575 bytes reads "1 MB", not "1024 KB".
  const kilobytes = Math.round(bytes / 1024);
  if (kilobytes < 1024) return `${kilobytes} KB`;
  let value = bytes / 1024 ** 2;
  let unit = 0;
  while (oneDecimal(value) >= 1024 && unit < larger.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${oneDecimal(value)} ${larger[unit]}`;
}
