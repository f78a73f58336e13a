/**
 * The shared function registry: which functions pool tasks may name. A task is
 * *described*, not closed over — a module URL plus an export name — because a
 * JavaScript closure cannot cross threads (the TypeScript face of Rust's `Send`).
 *
 * Entries are written by the submitter before the first task naming them is
 * published (the task slot's QUEUED store comes after), so a worker — even a thief
 * that never saw a message about it — can read `url#export` from shared memory and
 * import it. Rejected: announcing functions by `postMessage`; a worker busy in a
 * synchronous loop would run a stolen task before the message arrived.
 */
const MAX_FUNCTIONS = 256;
const ENTRY_BYTES = 1024;

export interface RegistryMemory {
  lengths: SharedArrayBuffer;
  bytes: SharedArrayBuffer;
}

export function allocateRegistry(): RegistryMemory {
  return {
    lengths: new SharedArrayBuffer(MAX_FUNCTIONS * 4),
    bytes: new SharedArrayBuffer(MAX_FUNCTIONS * ENTRY_BYTES),
  };
}

export class FunctionRegistry {
  private readonly lengths: Int32Array;
  private readonly bytes: Uint8Array;
  /** Submitter side only: key → index. */
  private readonly indexOf = new Map<string, number>();

  constructor(memory: RegistryMemory) {
    this.lengths = new Int32Array(memory.lengths);
    this.bytes = new Uint8Array(memory.bytes);
  }

  /** Submitter: the index of `module#name`, registering it on first use. */
  register(module: string, name: string): number {
    const key = `${module}#${name}`;
    const known = this.indexOf.get(key);
    if (known !== undefined) return known;
    const index = this.indexOf.size;
    if (index >= MAX_FUNCTIONS) throw new RangeError(`a pool can name at most ${MAX_FUNCTIONS} task functions`);
    const encoded = new TextEncoder().encode(key);
    if (encoded.length > ENTRY_BYTES)
      throw new RangeError(`task function name too long (${encoded.length} bytes > ${ENTRY_BYTES}): ${key}`);
    this.bytes.set(encoded, index * ENTRY_BYTES);
    Atomics.store(this.lengths, index, encoded.length);
    this.indexOf.set(key, index);
    return index;
  }

  /** Worker: the module URL and export name at `index`. */
  read(index: number): { module: string; name: string } {
    const length = Atomics.load(this.lengths, index);
    if (length === 0) throw new Error(`no task function registered at index ${index}`);
    const key = new TextDecoder().decode(this.bytes.slice(index * ENTRY_BYTES, index * ENTRY_BYTES + length));
    const hash = key.lastIndexOf("#");
    return { module: key.slice(0, hash), name: key.slice(hash + 1) };
  }
}
