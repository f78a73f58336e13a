// @ts-check
/**
 * Lint: typescript-eslint's recommended rules, and the architecture as a rule.
 *
 * The layer rule (DESIGN.md, "Layers"): data flows downward only —
 *   src/futures ← src/runtime ← src/actors · src/reactive · src/patterns ← src/labs ← bin
 * and labs use the public entry (src/index.ts) exactly as a user would. Written as
 * `no-restricted-imports` patterns on relative paths, one block per layer.
 *
 * Formatting is Prettier's (`npm run format`; `npm run lint` checks it), and no line of
 * code or comment passes 120 columns: Prettier wraps code, and a string too long for a
 * line is written as a concatenation of pieces.
 */
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** An import pattern refusing the given top-level `src/` folders, from any depth. */
const layers = (...names) => ({
  regex: `^(\\.\\./)+(${names.join("|")})(/|\\.js$)`,
  message: "a lower layer never imports a higher one (DESIGN.md, Layers)",
});
/** The barrels: a module inside the library must import the file it needs, not the entry. */
const barrels = {
  regex: "^(\\.\\./)+(index|internals)\\.js$",
  message: "library modules import the module they need, not the public entry (it would import everything)",
};

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly" } },
    rules: {
      // `any` appears where a peer library or a heterogeneous registry has no useful type
      // (ActorRef<any, any> in the registry, nact's untyped contexts); the strict compiler
      // settings catch what matters.
      "@typescript-eslint/no-explicit-any": "off",
      // Unused names are already errors in tsc (noUnusedLocals / noUnusedParameters).
      "@typescript-eslint/no-unused-vars": "off",
      "no-unused-vars": "off",
      // `function* () {}` with no yield is a coroutine that completes at once: legal, and
      // the book's examples have them.
      "require-yield": "off",
      // Declaration merging of a class and a namespace/interface is used for typed events.
      "@typescript-eslint/no-unsafe-declaration-merging": "off",
      "no-undef": "off", // TypeScript checks names
      // `cond ? a() : b()` and `x && f()` as statements are used for short event handlers.
      "@typescript-eslint/no-unused-expressions": ["error", { allowShortCircuit: true, allowTernary: true }],
      // The one alias of `this` (base-future.ts) records the future a `yield*` just started,
      // on the hot path of every await; a closure or bind would allocate per await.
      "@typescript-eslint/no-this-alias": "off",
      // The rule guards against objects without Object.prototype; the one use
      // (GeneratorPrototype.isPrototypeOf) is on an object that has it.
      "no-prototype-builtins": "off",
    },
  },
  {
    // CommonJS consumers are what these files test.
    files: ["**/*.cjs"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    files: ["src/futures/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [layers("runtime", "actors", "reactive", "patterns", "labs"), barrels] },
      ],
    },
  },
  {
    files: ["src/runtime/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [layers("actors", "reactive", "patterns", "labs"), barrels] }],
    },
  },
  {
    // The three peers above the runtime: each builds on futures and runtime, not on each other.
    files: ["src/actors/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [layers("reactive", "patterns", "labs"), barrels] }] },
  },
  {
    files: ["src/reactive/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [layers("actors", "patterns", "labs"), barrels] }] },
  },
  {
    files: ["src/patterns/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [layers("actors", "reactive", "labs"), barrels] }] },
  },
  {
    files: ["src/index.ts", "src/internals.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ regex: "^\\./labs(/|$)", message: "the library's entries export no lab code" }] },
      ],
    },
  },
  {
    // Labs use the library as a user does: through src/index.ts only.
    files: ["src/labs/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(\\.\\./)+(futures|runtime|actors|reactive|patterns)(/|$)",
              message: "labs import the public entry (src/index.ts), as a user would",
            },
            {
              regex: "^(\\.\\./)+internals\\.js$",
              message: "labs import the public entry (src/index.ts), as a user would",
            },
          ],
        },
      ],
    },
  },
  {
    // Worker and child-process entries: a new thread or process loads its module graph from
    // scratch, and the public entry is the whole library (every driver, actors, HTTP). These
    // import the few modules they run, so a worker starts in milliseconds, not hundreds.
    files: [
      "src/labs/ch1/shared-memory-worker.ts", // a worker_thread: mutex, condvar and sleep only
      "src/labs/ch1/work.ts", // loaded by child processes and pool threads: blockingSleep only
      "src/labs/ch1/child.ts", // a child process entry: blockingSleep only
      "src/labs/ch1/tasks.ts", // the pool's task module, loaded in every pool thread: a type only
      "src/labs/ch5/rand-worker.ts", // a worker_thread rebuilding a coroutine: the seeded RNG only
      "src/labs/ch7/ctrl-c-child.ts", // a child process that must install its SIGINT handler fast: blockingSleep only
      "src/labs/ch8/cross-thread-worker.ts", // a worker_thread counting under a shared mutex: AtomicMutex only
    ],
    rules: { "no-restricted-imports": "off" },
  },
  {
    files: [
      "src/**/*.ts",
      "bin/**/*.ts",
      "bench/**/*.ts",
      "test/**/*.ts",
      "examples/**/*.ts",
      "scripts/**/*.mjs",
      "*.js",
      "*.ts",
    ],
    rules: { "max-len": ["error", { code: 120, ignoreUrls: true }] },
  },
);
