/** A future that fails at its first poll: the failing step of the waterfall and retry experiments. */
import { pollFn } from "../../index.js";

export const fail = (msg: string) =>
  pollFn<never>(() => {
    throw new Error(msg);
  });
