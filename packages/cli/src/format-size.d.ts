/** Human-readable byte count: `512 B`, `1.5 KiB`, `256.0 MiB`. */
export declare function formatSize(bytes: number): string;
//# sourceMappingURL=format-size.d.ts.map
