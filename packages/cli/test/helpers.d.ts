export declare const REPO: string;
export declare const FIXTURES: string;
/** Runs the CLI in-process, capturing its output lines. */
export declare function cli(...argv: string[]): Promise<{
  code: number;
  stdout: string[];
  stderr: string[];
}>;
/** A fresh temporary directory, removed when the process exits. */
export declare function tempDir(): string;
/** Fixture files of a format that have an expected.json sidecar (good files, not bad/). */
export declare function fixtures(format: string): string[];
/** Malformed fixture files with their expected error tags. */
export declare function badFixtures(format: string): {
  file: string;
  tag: string;
  why: string;
}[];
/** The system python3 with numpy (Debian's), or undefined when it is missing. */
export declare function systemPython(): string | undefined;
//# sourceMappingURL=helpers.d.ts.map
