/**
 * A simulated address space for E2.4 (`SelfReferential` + `ptr::swap`): JavaScript
 * cannot move an object or take its address, so the book's dangling self-pointer is
 * shown on bytes — an ArrayBuffer with a stack frame, struct slots and a heap, where a
 * "pointer" is a byte offset.
 *
 * Invariant: a read goes exactly where the pointer says, with no check that the bytes
 * there still belong to the value it was taken from — like Rust's `*const T`. A read
 * outside the buffer throws the DataView's RangeError: our segmentation fault.
 *
 * Layout (little-endian u32s):
 *   String          = { ptr, len }                       8 bytes, chars on the heap
 *   SelfReferential = { data: String, self_pointer }     12 bytes
 */

const STACK = 0; // one call frame: where `new` builds its local before returning it (by move)
const SLOTS = 64; // the caller's variables `a` and `b`
const HEAP = 128;
const SIZE = 256;
const STRING_SIZE = 8;
const SELF_POINTER = STRING_SIZE; // offset of `self_pointer` inside the struct
export const STRUCT_SIZE = STRING_SIZE + 4;

export class Memory {
  private readonly view = new DataView(new ArrayBuffer(SIZE));
  private heapTop = HEAP;
  readonly a = SLOTS;
  readonly b = SLOTS + STRUCT_SIZE;

  private u32(at: number): number {
    return this.view.getUint32(at, true);
  }
  private setU32(at: number, v: number): void {
    this.view.setUint32(at, v, true);
  }

  /** `String::from(s)` written at `at`: chars to a fresh heap block, {ptr, len} at `at`. */
  private writeString(at: number, s: string): void {
    const bytes = new TextEncoder().encode(s);
    new Uint8Array(this.view.buffer, this.heapTop, bytes.length).set(bytes);
    this.setU32(at, this.heapTop);
    this.setU32(at + 4, bytes.length);
    this.heapTop += bytes.length;
  }

  /** Read the String whose {ptr, len} is at `at` — wherever that points. */
  readString(at: number): string {
    const ptr = this.u32(at);
    const len = this.u32(at + 4);
    if (ptr + len > SIZE)
      throw new RangeError(`read of ${len} bytes at address 0x${ptr.toString(16)}, outside the ${SIZE}-byte memory`);
    return new TextDecoder().decode(new Uint8Array(this.view.buffer, ptr, len));
  }

  /**
   * The book's `SelfReferential::new(data)`: build `sr` in `new`'s stack frame, point
   * `self_pointer` at `sr.data` (an address in that frame), then return `sr` — a move:
   * its bytes are copied to the caller's slot, the pointer is copied unchanged.
   */
  newByMove(slot: number, data: string): void {
    this.writeString(STACK, data);
    this.setU32(STACK + SELF_POINTER, STACK);
    this.move(STACK, slot);
  }

  /** The pinned way: build the value where it will stay (`Box::pin`), so `self_pointer` is its own `data`. */
  newInPlace(slot: number, data: string): void {
    this.writeString(slot, data);
    this.setU32(slot + SELF_POINTER, slot);
  }

  /** `ptr::swap(a, b)`: exchange the two structs' bytes. Nothing fixes up the pointers inside them. */
  swap(x: number, y: number): void {
    const bytes = new Uint8Array(this.view.buffer);
    const tmp = bytes.slice(x, x + STRUCT_SIZE);
    bytes.copyWithin(x, y, y + STRUCT_SIZE);
    bytes.set(tmp, y);
  }

  private move(from: number, to: number): void {
    new Uint8Array(this.view.buffer).copyWithin(to, from, from + STRUCT_SIZE);
  }

  /** Another function call reuses the stack frame and leaves its own locals there. */
  clobberStack(words: number[]): void {
    words.forEach((w, i) => this.setU32(STACK + 4 * i, w));
  }

  /** `self.data`, read directly. */
  data(slot: number): string {
    return this.readString(slot);
  }

  /** The book's `print()`: `*self.self_pointer`. A RangeError here is the segfault. */
  print(slot: number): string {
    try {
      return this.readString(this.u32(slot + SELF_POINTER));
    } catch (error) {
      if (error instanceof RangeError) return `segmentation fault (${error.message})`;
      throw error;
    }
  }

  /** Where `self_pointer` points, by name. */
  pointsAt(slot: number): string {
    const p = this.u32(slot + SELF_POINTER);
    if (p === this.a) return "a.data";
    if (p === this.b) return "b.data";
    if (p >= STACK && p < SLOTS) return "new()'s stack frame";
    return `address ${p}`;
  }
}
