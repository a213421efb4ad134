/** Human-readable byte count: `512 B`, `1.5 KiB`, `256.0 MiB`. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** `1 entry`, `2 entries`. */
export function entryCount(n: number): string {
  return `${n} ${n === 1 ? 'entry' : 'entries'}`;
}
