/** Registers every codec the CLI ships with. */
export declare function registerBuiltinCodecs(): void;
//# sourceMappingURL=codecs.d.ts.map
